import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DicomJson } from './dicomJson.js';
import { DicomFolderStore, DicomwebRequestError, type InstanceRecord } from './dicomFolderStore.js';
import { parseFrameList } from './frameList.js';
import { contentTypeParam, encodeMultipart, newBoundary, parseMultipart, MultipartError } from '@meddiff/imaging/node';
import { qidoSearch } from './qido.js';

const JSON_TYPE = 'application/dicom+json';
/**
 * Default cap on one STOW-RS request. The whole body is held in memory while it is parsed, so the
 * cap bounds what one request can take; 256 MiB holds a few hundred CT slices, far more than the
 * viewer's derived series. Larger uploads: `--max-stow-mb`, or several requests.
 */
export const DEFAULT_MAX_STOW_BYTES = 256 * 1024 * 1024;

export interface DicomwebRouterOptions {
  /** Largest STOW-RS request body in bytes; larger ones are a 413. */
  readonly maxStowBytes?: number;
}

/** A URL segment that should be a UID: digits and dots, no empty component (so never ".." or "/"). */
const UID_SEGMENT = /^\d{1,64}(\.\d{1,64}){0,63}$/;

function uidSegment(value: string, what: string): string {
  if (value.length > 64 || !UID_SEGMENT.test(value)) throw new DicomwebRequestError(400, `${what} ${JSON.stringify(value.slice(0, 80))} is not a UID (digits and dots, at most 64 characters)`);
  return value;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DicomwebRequestError(400, `the path segment ${JSON.stringify(segment.slice(0, 80))} has a malformed %-escape`);
  }
}

/**
 * STOW-RS bodies must be `multipart/related; type="application/dicom"` (PS3.18 10.5.1.1). That is
 * not a type a web page may send cross-site without a CORS preflight, which this server never
 * grants; `multipart/form-data` and `text/plain` are, so they are refused outright (415).
 */
function checkStowType(contentType: string): void {
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  const type = contentTypeParam(contentType, 'type')?.toLowerCase();
  if (media !== 'multipart/related' || type !== 'application/dicom') {
    throw new DicomwebRequestError(415, `STOW-RS takes Content-Type multipart/related; type="application/dicom", not ${JSON.stringify(contentType.slice(0, 120))}`);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  // Refused before a byte is read when the client says how much it will send.
  if (Number.isFinite(declared) && declared > limit) throw new DicomwebRequestError(413, `request body of ${declared} bytes is larger than the ${limit} accepted; send fewer instances per request`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DicomwebRequestError(413, `request body larger than the ${limit} bytes accepted; send fewer instances per request`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendMultipart(res: ServerResponse, type: string, parts: { body: Uint8Array; contentType: string; location?: string }[], extra = ''): void {
  const boundary = newBoundary();
  const body = encodeMultipart(
    parts.map((p) => ({ headers: { 'Content-Type': p.contentType, ...(p.location ? { 'Content-Location': p.location } : {}) }, body: p.body })),
    boundary,
  );
  res.writeHead(200, { 'Content-Type': `multipart/related; type="${type}"${extra}; boundary=${boundary}`, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Absolute BulkDataURIs: the viewer resolves them against nothing, so they carry the origin and root. */
function withAbsoluteBulkData(json: DicomJson, root: string): DicomJson {
  const out: DicomJson = {};
  for (const [tag, attr] of Object.entries(json)) {
    if (attr.BulkDataURI) out[tag] = { ...attr, BulkDataURI: `${root}/${attr.BulkDataURI}` };
    else if (attr.vr === 'SQ' && attr.Value) out[tag] = { ...attr, Value: attr.Value.map((item) => withAbsoluteBulkData(item as DicomJson, root)) };
    else out[tag] = attr;
  }
  return out;
}

/**
 * The DICOMweb services the OHIF viewer uses, over a DicomFolderStore: QIDO-RS (studies, series,
 * instances), WADO-RS (metadata, frames, bulk data, whole instances) and STOW-RS. `handle` takes the
 * path below the service root (e.g. "/studies/1.2.3/series") and answers every request it is given.
 */
export class DicomwebRouter {
  private readonly maxStowBytes: number;

  constructor(
    readonly store: DicomFolderStore,
    options: DicomwebRouterOptions = {},
  ) {
    this.maxStowBytes = options.maxStowBytes ?? DEFAULT_MAX_STOW_BYTES;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, root: string): Promise<void> {
    try {
      await this.route(req, res, path, query, root);
    } catch (e) {
      if (e instanceof DicomwebRequestError) {
        // A refused upload may still be arriving; closing the connection stops it rather than reading it all.
        if (e.status === 413 || e.status === 415) res.setHeader('Connection', 'close');
        sendJson(res, e.status, { error: e.message });
      }
      else if (e instanceof MultipartError) sendJson(res, 400, { error: e.message });
      else sendJson(res, 500, { error: (e as Error).message });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, root: string): Promise<void> {
    const s = path.split('/').filter(Boolean).map(decodeSegment);
    for (const [i, what] of [[1, 'StudyInstanceUID'], [3, 'SeriesInstanceUID'], [5, 'SOPInstanceUID']] as const) if (s[i] !== undefined) uidSegment(s[i]!, what);
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      if (s[0] === 'studies' && s.length <= 2) return this.stow(req, res, s[1], root);
      throw new DicomwebRequestError(405, `POST is accepted on /studies and /studies/{study} only`);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new DicomwebRequestError(405, `${method} is not supported`);
    const store = this.store;
    // QIDO-RS
    if (s.length === 1 && s[0] === 'studies') return sendJson(res, 200, qidoSearch('study', store.instances(), query));
    if (s.length === 1 && s[0] === 'series') return sendJson(res, 200, qidoSearch('series', store.instances(), query));
    if (s.length === 1 && s[0] === 'instances') return sendJson(res, 200, qidoSearch('instance', store.instances(), query));
    if (s[0] !== 'studies' || !s[1]) throw new DicomwebRequestError(404, `no DICOMweb resource at ${path}`);
    const studyUID = s[1];
    const inStudy = store.instances({ studyUID });
    if (inStudy.length === 0) throw new DicomwebRequestError(404, `no study ${studyUID}`);
    if (s.length === 3 && s[2] === 'series') return sendJson(res, 200, qidoSearch('series', inStudy, query));
    if (s.length === 3 && s[2] === 'instances') return sendJson(res, 200, qidoSearch('instance', inStudy, query));
    if (s.length === 3 && s[2] === 'metadata') return sendJson(res, 200, inStudy.map((r) => withAbsoluteBulkData(r.json, root)));
    if (s.length === 2) return this.sendInstances(res, inStudy, root);
    if (s[2] !== 'series' || !s[3]) throw new DicomwebRequestError(404, `no DICOMweb resource at ${path}`);
    const seriesUID = s[3];
    const inSeries = store.instances({ studyUID, seriesUID });
    if (inSeries.length === 0) throw new DicomwebRequestError(404, `no series ${seriesUID} in study ${studyUID}`);
    if (s.length === 4) return this.sendInstances(res, inSeries, root);
    if (s.length === 5 && s[4] === 'metadata') return sendJson(res, 200, inSeries.map((r) => withAbsoluteBulkData(r.json, root)));
    if (s.length === 5 && s[4] === 'instances') return sendJson(res, 200, qidoSearch('instance', inSeries, query));
    if (s[4] !== 'instances' || !s[5]) throw new DicomwebRequestError(404, `no DICOMweb resource at ${path}`);
    const record = store.get(studyUID, seriesUID, s[5]);
    if (s.length === 6) return this.sendInstances(res, [record], root);
    if (s.length === 7 && s[6] === 'metadata') return sendJson(res, 200, [withAbsoluteBulkData(record.json, root)]);
    if (s.length === 8 && s[6] === 'frames') {
      const numbers = parseFrameList(s[7]!, record.numberOfFrames);
      const { transferSyntax, frames } = store.frames(record, numbers);
      // Compressed frames keep their syntax; OHIF's loader decodes them by the transfer-syntax parameter.
      const type = 'application/octet-stream';
      return sendMultipart(res, type, frames.map((body) => ({ body, contentType: `${type}; transfer-syntax=${transferSyntax}` })), `; transfer-syntax=${transferSyntax}`);
    }
    if (s.length >= 8 && s[6] === 'bulkdata') {
      const body = store.bulkData(record, s.slice(7).join('/'));
      return sendMultipart(res, 'application/octet-stream', [{ body, contentType: 'application/octet-stream' }]);
    }
    throw new DicomwebRequestError(404, `no DICOMweb resource at ${path}`);
  }

  private sendInstances(res: ServerResponse, records: readonly InstanceRecord[], root: string): void {
    sendMultipart(
      res,
      'application/dicom',
      records.map((r) => ({ body: this.store.part10(r), contentType: 'application/dicom', location: `${root}/studies/${r.studyUID}/series/${r.seriesUID}/instances/${r.sopUID}` })),
    );
  }

  /** STOW-RS (PS3.18 10.5): stores each application/dicom part and reports each success and failure. */
  private async stow(req: IncomingMessage, res: ServerResponse, studyUID: string | undefined, root: string): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    checkStowType(contentType);
    const body = await readBody(req, this.maxStowBytes);
    const parts = parseMultipart(body, contentType);
    if (parts.length === 0) throw new DicomwebRequestError(400, 'the STOW-RS request holds no instances');
    const referenced: DicomJson[] = [];
    const failed: DicomJson[] = [];
    for (const part of parts) {
      const type = part.headers['content-type'] ?? 'application/dicom';
      if (!/^application\/dicom\b/i.test(type)) {
        failed.push({ '00081197': { vr: 'US', Value: [0xc000] } });
        console.warn(`STOW-RS refused a part of type ${type}`);
        continue;
      }
      const outcome = this.store.store(part.body, studyUID);
      if (outcome.ok) {
        const r = outcome.record;
        referenced.push({
          '00081150': { vr: 'UI', Value: [String(r.json['00080016']?.Value?.[0] ?? '')] },
          '00081155': { vr: 'UI', Value: [r.sopUID] },
          '00081190': { vr: 'UR', Value: [`${root}/studies/${r.studyUID}/series/${r.seriesUID}/instances/${r.sopUID}`] },
        });
      } else {
        failed.push({
          ...(outcome.sopClassUID ? { '00081150': { vr: 'UI', Value: [outcome.sopClassUID] } } : {}),
          ...(outcome.sopUID ? { '00081155': { vr: 'UI', Value: [outcome.sopUID] } } : {}),
          '00081197': { vr: 'US', Value: [outcome.reason] },
        });
        console.warn(`STOW-RS refused an instance: ${outcome.message}`);
      }
    }
    const response: DicomJson = {
      ...(studyUID ? { '00081190': { vr: 'UR', Value: [`${root}/studies/${studyUID}`] } } : {}),
      ...(referenced.length ? { '00081199': { vr: 'SQ', Value: referenced } } : {}),
      ...(failed.length ? { '00081198': { vr: 'SQ', Value: failed } } : {}),
    };
    // 200: all stored; 202: some stored; 409: none stored (PS3.18 Table 10.5.3-2).
    sendJson(res, failed.length === 0 ? 200 : referenced.length ? 202 : 409, response);
  }
}
