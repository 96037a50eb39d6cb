import { encodeMultipart, newBoundary, parseMultipart } from '@meddiff/imaging/node';

/** A DICOMweb answer that is not what the standard says, or a server that cannot be reached. */
export class DicomwebError extends Error {
  override name = 'DicomwebError';
  readonly code = 'DICOMWEB';
  /** `status`: HTTP status, 0 when the server could not be reached. */
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  /** Statuses 4xx other than 408 and 429 do not get better by retrying. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** DICOM JSON (PS3.18 F.2): tag -> { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export interface DicomwebOptions {
  /** The service root, e.g. http://127.0.0.1:8042/dicom-web */
  url: string;
  /** Sent as the Authorization header (e.g. "Bearer <token>" for a cloud DICOMweb store). */
  authorization?: string;
}

/** The first value of a tag of a DICOM JSON object, as a string. */
export function jsonValue(o: DicomJson, tag: string): string | undefined {
  const v = o[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && 'Alphabetic' in (v as object)) return String((v as { Alphabetic: unknown }).Alphabetic);
  return String(v);
}

export const TAG = {
  studyInstanceUID: '0020000D',
  seriesInstanceUID: '0020000E',
  sopInstanceUID: '00080018',
  modality: '00080060',
  seriesDescription: '0008103E',
  numberOfSeriesRelatedInstances: '00201209',
  failedSOPSequence: '00081198',
} as const;

/**
 * The three DICOMweb services the batch worker needs, over fetch: QIDO-RS searches, WADO-RS retrieval
 * of a series as Part-10 instances, and STOW-RS. Works against Orthanc's DICOMweb plugin and cloud
 * stores (Google Cloud Healthcare, Azure), which speak the same RESTful services.
 */
export class DicomwebClient {
  private readonly root: string;

  constructor(private readonly options: DicomwebOptions) {
    this.root = options.url.replace(/\/+$/, '');
  }

  /** QIDO-RS: `path` is e.g. "studies", "studies/<uid>/series"; `query` its search keys. */
  async search(path: string, query: Record<string, string> = {}): Promise<DicomJson[]> {
    const qs = new URLSearchParams(query).toString();
    const r = await this.request(`${this.root}/${path}${qs ? `?${qs}` : ''}`, { headers: { Accept: 'application/dicom+json' } });
    if (r.status === 204) return [];
    const body = (await r.json()) as unknown;
    if (!Array.isArray(body)) throw new DicomwebError(`QIDO-RS ${path} did not answer with a JSON array`, r.status);
    return body as DicomJson[];
  }

  /** WADO-RS: every instance of a series, as Part-10 bytes. */
  async retrieveSeries(study: string, series: string): Promise<Uint8Array[]> {
    const url = `${this.root}/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}`;
    const r = await this.request(url, { headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } });
    const contentType = r.headers.get('content-type') ?? '';
    const parts = parseMultipart(Buffer.from(await r.arrayBuffer()), contentType);
    if (parts.length === 0) throw new DicomwebError(`WADO-RS ${url} returned no instances`, 404);
    return parts.map((p) => new Uint8Array(p.body));
  }

  /** STOW-RS of Part-10 instances to their study. Throws when the store refuses any of them. */
  async store(study: string, instances: readonly Uint8Array[]): Promise<void> {
    const boundary = newBoundary();
    const body = encodeMultipart(
      instances.map((bytes) => ({ headers: { 'Content-Type': 'application/dicom' }, body: bytes })),
      boundary,
    );
    const r = await this.request(`${this.root}/studies/${encodeURIComponent(study)}`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body: new Uint8Array(body),
    });
    const text = await r.text();
    if (!text) return;
    const answer = JSON.parse(text) as DicomJson;
    const failed = answer[TAG.failedSOPSequence]?.Value ?? [];
    if (failed.length > 0) throw new DicomwebError(`STOW-RS refused ${failed.length} of ${instances.length} instances (FailedSOPSequence)`, r.status);
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.options.authorization) headers.set('Authorization', this.options.authorization);
    let r: Response;
    try {
      r = await fetch(url, { ...init, headers });
    } catch (e) {
      throw new DicomwebError(`Could not reach ${url}: ${(e as Error).message}`, 0);
    }
    if (!r.ok) {
      const detail = (await r.text().catch(() => '')).slice(0, 200);
      throw new DicomwebError(`${init.method ?? 'GET'} ${url}: HTTP ${r.status}${detail ? ` (${detail})` : ''}`, r.status);
    }
    return r;
  }
}
