import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import dcmjs, { type DicomDict, type DicomDictObject } from 'dcmjs';
import { isValidUid } from '@meddiff/imaging';
import { type DicomJson, jsonNumber, jsonString, toDicomJson } from './dicomJson.js';
import { pixelDataProblem } from './pixelDataLength.js';

dcmjs.log.setLevel('error');

const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const UNCOMPRESSED = new Set([EXPLICIT_LITTLE, IMPLICIT_LITTLE, DEFLATED]);

/** What the store knows of one instance without re-reading its file. */
export interface InstanceRecord {
  readonly file: string;
  readonly studyUID: string;
  readonly seriesUID: string;
  readonly sopUID: string;
  readonly transferSyntax: string;
  readonly numberOfFrames: number;
  /** DICOM JSON without binary values (they are BulkDataURIs relative to the instance). */
  readonly json: DicomJson;
  readonly sha256: string;
}

/** Why a STOW-RS instance was refused, with its DICOM failure reason code (PS3.18 Table 10.5.3-1). */
export interface StoreFailure {
  readonly reason: number;
  readonly message: string;
  readonly sopClassUID?: string;
  readonly sopUID?: string;
}
export type StoreOutcome =
  | { ok: true; record: InstanceRecord; alreadyStored: boolean }
  | ({ ok: false } & StoreFailure);

export class DicomwebRequestError extends Error {
  override name = 'DicomwebRequestError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function isPart10(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    // Index files written beside the studies (index.json) are not instances.
    else if (entry.isFile() && !entry.name.startsWith('.') && !entry.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

/**
 * A DICOMweb origin over folders of Part-10 files: reads every file once to index it (study, series,
 * instance and its metadata as DICOM JSON) and reads files again only for pixel data and bulk data.
 * Instances received by STOW-RS are written under `stowDir` (atomically: a temporary file renamed
 * into place), so they survive a restart. Files that are not DICOM are listed in `skipped`.
 */
export class DicomFolderStore {
  private readonly byUid = new Map<string, InstanceRecord>();
  readonly skipped: { file: string; reason: string }[] = [];

  constructor(
    private readonly dirs: readonly string[],
    private readonly stowDir: string,
  ) {}

  /** Indexes every file under the folders (and earlier STOW-RS results). */
  load(): this {
    for (const dir of [...this.dirs, this.stowDir]) {
      for (const file of listFiles(dir)) {
        try {
          const bytes = readFileSync(file);
          if (!isPart10(bytes)) throw new Error('not a DICOM Part-10 file (no DICM prefix)');
          this.index(file, bytes);
        } catch (e) {
          this.skipped.push({ file, reason: (e as Error).message });
        }
      }
    }
    return this;
  }

  private index(file: string, bytes: Uint8Array): InstanceRecord {
    const parsed = dcmjs.data.DicomMessage.readFile(toArrayBuffer(bytes), { ignoreErrors: true });
    const record = this.describe(file, parsed, bytes);
    this.byUid.set(record.sopUID, record);
    return record;
  }

  private describe(file: string, parsed: DicomDict, bytes: Uint8Array): InstanceRecord {
    const studyUID = uidOf(parsed.dict, '0020000D');
    const seriesUID = uidOf(parsed.dict, '0020000E');
    const sopUID = uidOf(parsed.dict, '00080018');
    if (!studyUID || !seriesUID || !sopUID) throw new Error('missing StudyInstanceUID, SeriesInstanceUID or SOPInstanceUID');
    const base = `studies/${studyUID}/series/${seriesUID}/instances/${sopUID}`;
    const json = toDicomJson(parsed.dict, (tagPath) => `${base}/bulkdata/${tagPath}`);
    const transferSyntax = String(parsed.meta['00020010']?.Value?.[0] ?? IMPLICIT_LITTLE).replace(/\0/g, '').trim();
    const frames = jsonNumber(json, '00280008') ?? 1;
    return {
      file,
      studyUID,
      seriesUID,
      sopUID,
      transferSyntax,
      numberOfFrames: Math.max(1, Math.floor(frames)),
      json,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }

  instances(filter: { studyUID?: string; seriesUID?: string; sopUID?: string } = {}): InstanceRecord[] {
    const all = [...this.byUid.values()].filter(
      (r) => (!filter.studyUID || r.studyUID === filter.studyUID) && (!filter.seriesUID || r.seriesUID === filter.seriesUID) && (!filter.sopUID || r.sopUID === filter.sopUID),
    );
    return all.sort((a, b) => (jsonNumber(a.json, '00200013') ?? 0) - (jsonNumber(b.json, '00200013') ?? 0) || (a.sopUID < b.sopUID ? -1 : 1));
  }

  get(studyUID: string, seriesUID: string, sopUID: string): InstanceRecord {
    const r = this.byUid.get(sopUID);
    if (!r || r.studyUID !== studyUID || r.seriesUID !== seriesUID) throw new DicomwebRequestError(404, `no instance ${sopUID} in series ${seriesUID} of study ${studyUID}`);
    return r;
  }

  /** The whole Part-10 file of an instance. */
  part10(record: InstanceRecord): Uint8Array {
    return readFileSync(record.file);
  }

  /** Frames (1-based numbers) as stored: raw little-endian pixels, or one encapsulated frame each. */
  frames(record: InstanceRecord, numbers: readonly number[]): { transferSyntax: string; frames: Uint8Array[] } {
    for (const n of numbers) {
      if (!Number.isInteger(n) || n < 1 || n > record.numberOfFrames) throw new DicomwebRequestError(404, `frame ${n} does not exist (the instance has ${record.numberOfFrames})`);
    }
    if (record.transferSyntax === BIG_ENDIAN) throw new DicomwebRequestError(406, 'frames of big-endian instances are not served; convert the file to little endian');
    const parsed = dcmjs.data.DicomMessage.readFile(toArrayBuffer(readFileSync(record.file)), { ignoreErrors: true });
    const values = (parsed.dict['7FE00010']?.Value ?? []) as ArrayBuffer[];
    if (values.length === 0) throw new DicomwebRequestError(404, 'the instance has no pixel data');
    if (UNCOMPRESSED.has(record.transferSyntax)) {
      const rows = jsonNumber(record.json, '00280010') ?? 0;
      const cols = jsonNumber(record.json, '00280011') ?? 0;
      const spp = jsonNumber(record.json, '00280002') ?? 1;
      const bits = jsonNumber(record.json, '00280100') ?? 16;
      const frameBits = rows * cols * spp * bits;
      if (frameBits % 8 !== 0) throw new DicomwebRequestError(406, 'frames that are not byte-aligned (1-bit pixels) are only served as a whole instance');
      const all = new Uint8Array(values[0]!);
      const size = frameBits / 8;
      return { transferSyntax: EXPLICIT_LITTLE, frames: numbers.map((n) => all.slice((n - 1) * size, n * size)) };
    }
    let perFrame: Uint8Array[];
    if (values.length === record.numberOfFrames) perFrame = values.map((v) => new Uint8Array(v));
    else if (record.numberOfFrames === 1) perFrame = [new Uint8Array(Buffer.concat(values.map((v) => new Uint8Array(v))))];
    else throw new DicomwebRequestError(406, `cannot split ${values.length} fragments into ${record.numberOfFrames} frames`);
    return { transferSyntax: record.transferSyntax, frames: numbers.map((n) => perFrame[n - 1]!) };
  }

  /** A binary value by its tag path ("7FE00010", or "00400275/0/00420011" inside a sequence item). */
  bulkData(record: InstanceRecord, tagPath: string): Uint8Array {
    const parsed = dcmjs.data.DicomMessage.readFile(toArrayBuffer(readFileSync(record.file)), { ignoreErrors: true });
    const steps = tagPath.split('/').filter(Boolean);
    let dict: DicomDictObject | undefined = parsed.dict;
    for (let i = 0; i < steps.length; i++) {
      const el: { Value?: unknown[] } | undefined = dict?.[steps[i]!.toUpperCase()];
      if (!el) break;
      if (i === steps.length - 1) {
        const parts = (el.Value ?? []) as ArrayBuffer[];
        return new Uint8Array(Buffer.concat(parts.map((p) => new Uint8Array(p))));
      }
      dict = el.Value?.[Number(steps[++i])] as DicomDictObject | undefined;
    }
    throw new DicomwebRequestError(404, `no bulk data at ${tagPath}`);
  }

  /**
   * Stores one Part-10 instance (STOW-RS). The same bytes sent again are accepted as already stored;
   * different bytes under a SOP Instance UID that exists are refused, so nothing stored is overwritten.
   */
  store(bytes: Uint8Array, expectedStudyUID?: string): StoreOutcome {
    if (!isPart10(bytes)) return { ok: false, reason: 0xc000, message: 'not a DICOM Part-10 instance (no DICM prefix)' };
    let parsed: DicomDict;
    try {
      parsed = dcmjs.data.DicomMessage.readFile(toArrayBuffer(bytes), { ignoreErrors: false });
    } catch (e) {
      return { ok: false, reason: 0xc000, message: `cannot parse the instance: ${(e as Error).message}` };
    }
    const sopClassUID = uidOf(parsed.dict, '00080016');
    const sopUID = uidOf(parsed.dict, '00080018');
    const studyUID = uidOf(parsed.dict, '0020000D');
    const seriesUID = uidOf(parsed.dict, '0020000E');
    const ids = { ...(sopClassUID ? { sopClassUID } : {}), ...(sopUID ? { sopUID } : {}) };
    if (!sopUID || !studyUID || !seriesUID || !sopClassUID) return { ok: false, reason: 0xa900, message: 'missing SOPClassUID, SOPInstanceUID, StudyInstanceUID or SeriesInstanceUID', ...ids };
    // The UIDs become folder and file names: only the PS3.5 9.1 grammar (digits and dots, no empty
    // component) is let through, so "..", "/" or a drive letter can never reach a path.
    const badUid = ([['StudyInstanceUID', studyUID], ['SeriesInstanceUID', seriesUID], ['SOPInstanceUID', sopUID]] as const).find(([, uid]) => !isValidUid(uid));
    if (badUid) return { ok: false, reason: 0xa900, message: `${badUid[0]} ${JSON.stringify(badUid[1].slice(0, 80))} is not a valid UID (digits and dots, at most 64 characters)`, ...ids };
    if (expectedStudyUID && expectedStudyUID !== studyUID) return { ok: false, reason: 0xa900, message: `the instance belongs to study ${studyUID}, not to ${expectedStudyUID} named in the URL`, ...ids };
    const transferSyntax = String(parsed.meta['00020010']?.Value?.[0] ?? IMPLICIT_LITTLE).replace(/\0/g, '').trim();
    const truncated = pixelDataProblem(parsed.dict, transferSyntax, bytes);
    if (truncated) return { ok: false, reason: 0xc000, message: truncated, ...ids };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = this.byUid.get(sopUID);
    if (existing) {
      if (existing.sha256 === sha256) return { ok: true, record: existing, alreadyStored: true };
      return { ok: false, reason: 0x0111, message: `SOP Instance ${sopUID} is already stored with different content; it is not overwritten`, ...ids };
    }
    const file = this.stowPath(studyUID, seriesUID, sopUID);
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.partial`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    const record = this.describe(file, parsed, bytes);
    this.byUid.set(sopUID, record);
    return { ok: true, record, alreadyStored: false };
  }

  /** Where a STOW-RS instance is written; checked to lie inside the STOW folder whatever the UIDs say. */
  private stowPath(studyUID: string, seriesUID: string, sopUID: string): string {
    const root = resolve(this.stowDir);
    const file = resolve(root, studyUID, seriesUID, `${sopUID}.dcm`);
    if (!file.startsWith(root + sep)) throw new DicomwebRequestError(400, `the UIDs of instance ${sopUID} would place it outside the store`);
    return file;
  }

  /** For logs: how many studies, series and instances, and from where. */
  summary(): string {
    const all = this.instances();
    const studies = new Set(all.map((r) => r.studyUID)).size;
    const series = new Set(all.map((r) => r.seriesUID)).size;
    const where = this.dirs.map((d) => relative(process.cwd(), d) || '.').join(', ');
    return `${studies} studies, ${series} series, ${all.length} instances from ${where}${this.skipped.length ? ` (${this.skipped.length} files skipped)` : ''}`;
  }

}

function uidOf(dict: DicomDictObject, tag: string): string | undefined {
  const v = dict[tag]?.Value?.[0];
  return typeof v === 'string' && v.trim() ? v.replace(/\0/g, '').trim() : undefined;
}

export { jsonString, jsonNumber };
