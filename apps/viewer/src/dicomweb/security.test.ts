import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { startViewerServer, type RunningViewer } from '../app/server.js';
import { STUDY_UID, SERIES_UID, writeFixtureSeries } from '../testing/fixtures.js';
import { DicomFolderStore } from './dicomFolderStore.js';
import { DicomwebRouter } from './dicomwebRouter.js';
import { encodeMultipart } from '@meddiff/imaging/node';

// The probes of issue 19, each against a running server on loopback.

let fixture: ReturnType<typeof writeFixtureSeries>;
let stowDir: string;
let viewer: RunningViewer;
let small: RunningViewer;

async function serve(stow: string, maxStowBytes?: number): Promise<RunningViewer> {
  const ohif = mkdtempSync(join(tmpdir(), 'meddiff-ohif-'));
  writeFileSync(join(ohif, 'index.html'), '<!doctype html><title>app</title>');
  const store = new DicomFolderStore([fixture.dir], stow).load();
  return startViewerServer({ host: '127.0.0.1', port: 0, ohifDist: ohif, plugins: { extensions: [], modes: [] }, modelsDir: ohif, dicomweb: { kind: 'embedded', router: new DicomwebRouter(store, maxStowBytes ? { maxStowBytes } : {}) }, extension: { pacsDataSource: 'dicomweb' } });
}

beforeAll(async () => {
  fixture = writeFixtureSeries();
  stowDir = mkdtempSync(join(tmpdir(), 'meddiff-stow-'));
  viewer = await serve(stowDir);
  small = await serve(mkdtempSync(join(tmpdir(), 'meddiff-stow-')), 1024);
});
afterAll(async () => {
  await viewer.close();
  await small.close();
});

interface Answer {
  status: number;
  body: Buffer;
  text: string;
}

/** node:http rather than fetch, which will not send a forged Host header. */
function send(o: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array; port?: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: o.port ?? viewer.port, method: o.method ?? 'GET', path: o.path, headers: o.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body, text: body.toString('utf8') });
      });
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

function stowBody(instances: Uint8Array[]): { body: Uint8Array; type: string } {
  const boundary = 'probe';
  const body = encodeMultipart(instances.map((b) => ({ headers: { 'Content-Type': 'application/dicom' }, body: b })), boundary);
  return { body: new Uint8Array(body), type: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

/** The fixture's first instance with other UIDs. */
function variant(uids: { sop: string; study?: string; series?: string }): Uint8Array {
  const bytes = readFileSync(fixture.files[0]!);
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  dict.dict['00080018'] = { vr: 'UI', Value: [uids.sop] };
  dict.meta['00020003'] = { vr: 'UI', Value: [uids.sop] };
  if (uids.study) dict.dict['0020000D'] = { vr: 'UI', Value: [uids.study] };
  if (uids.series) dict.dict['0020000E'] = { vr: 'UI', Value: [uids.series] };
  return new Uint8Array(dict.write());
}

const stowed = (dir = stowDir): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);
const host = () => `127.0.0.1:${viewer.port}`;

describe('the server refuses what a web page could abuse', () => {
  it('STOW-RS takes only multipart/related; type="application/dicom": form posts are a 415', async () => {
    const { body } = stowBody([variant({ sop: '1.2.826.0.1.3680043.8.498.900' })]);
    for (const type of ['multipart/form-data; boundary=probe', 'multipart/related; boundary=probe', 'multipart/mixed; type="application/dicom"; boundary=probe', 'text/plain', 'application/dicom']) {
      const r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { host: host(), 'content-type': type }, body });
      expect(r.status, type).toBe(415);
      expect(r.text).toMatch(/multipart\/related; type=\\"application\/dicom\\"/);
    }
    expect(stowed()).toEqual([]);
  });

  it('writes from another origin are a 403 and store nothing; the own origin stores', async () => {
    const { body, type } = stowBody([variant({ sop: '1.2.826.0.1.3680043.8.498.901' })]);
    const headers = { host: host(), 'content-type': type };
    let r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { ...headers, origin: 'https://evil.example' }, body });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).error).toMatch(/origin "https:\/\/evil.example" is refused/);
    expect(stowed()).toEqual([]);
    r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { ...headers, origin: `http://${host()}` }, body });
    expect(r.status).toBe(200);
    expect(stowed().filter((f) => f.endsWith('.dcm'))).toHaveLength(1);
  });

  it('accepts the unquoted type parameter OHIF sends (omitQuotationForMultipartRequest)', async () => {
    const { body } = stowBody([variant({ sop: '1.2.826.0.1.3680043.8.498.906' })]);
    const r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { host: host(), origin: `http://${host()}`, 'content-type': 'multipart/related; type=application/dicom; boundary=probe' }, body });
    expect(r.status).toBe(200);
  });

  it('a Host the viewer does not answer to (DNS rebinding) gets nothing, app-config.js included', async () => {
    for (const path of ['/app-config.js', '/dicom-web/studies', '/', `/dicom-web/studies/${STUDY_UID}/metadata`]) {
      const r = await send({ path, headers: { host: `rebind.attacker.example:${viewer.port}` } });
      expect(r.status, path).toBe(421);
      expect(r.text).not.toContain(STUDY_UID);
    }
    const config = await send({ path: '/app-config.js', headers: { host: `localhost:${viewer.port}` } });
    expect(config.status).toBe(200);
    expect(config.text).toContain(`"wadoRoot": "http://localhost:${viewer.port}/dicom-web"`);
  });
});

describe('paths stay inside the store', () => {
  it('refuses instances whose UIDs are not UIDs, and writes nothing outside the STOW folder', async () => {
    const outside = join(stowDir, '..');
    const before = readdirSync(outside).length;
    for (const uids of [{ sop: '1.2.826.0.1.3680043.8.498.902', study: '..' }, { sop: '1.2.826.0.1.3680043.8.498.903', series: '../../x' }, { sop: '../escape' }, { sop: '1.2.3', study: '01.2' }]) {
      const { body, type } = stowBody([variant(uids)]);
      const r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { host: host(), 'content-type': type }, body });
      expect(r.status, JSON.stringify(uids)).toBe(409);
      expect(r.text).toMatch(/"00081197":\{"vr":"US","Value":\[43264\]\}/);
    }
    expect(readdirSync(outside).length).toBe(before);
    expect(stowed().filter((f) => f.endsWith('.dcm'))).toHaveLength(2);
  });

  it('a UID in the URL must be one; a malformed %-escape is a 400, not a 500', async () => {
    for (const path of ['/dicom-web/studies/..%2Fx/series', `/dicom-web/studies/${STUDY_UID}/series/..%2F..%2Fetc/instances`, '/dicom-web/studies/%E0%A4%A', '/dicom-web/studies/1.2.3.4.%zz']) {
      const r = await send({ path, headers: { host: host() } });
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.text).error).toMatch(/not a UID|malformed %-escape/);
    }
  });
});

describe('inputs that cannot exhaust the server', () => {
  it('a QIDO wildcard that made the regular expression backtrack is answered at once', async () => {
    const t0 = performance.now();
    const r = await send({ path: `/dicom-web/studies?PatientName=${'*?'.repeat(60)}Q`, headers: { host: host() } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await send({ path: `/dicom-web/studies?PatientName=${'*'.repeat(300)}`, headers: { host: host() } })).status).toBe(400);
  });

  it('limit and offset must be non-negative integers', async () => {
    for (const q of ['limit=abc', 'offset=-1', 'limit=1e3', 'offset=']) {
      const r = await send({ path: `/dicom-web/studies?${q}`, headers: { host: host() } });
      expect(r.status, q).toBe(400);
      expect(JSON.parse(r.text).error).toMatch(/not a non-negative integer/);
    }
    expect((await send({ path: '/dicom-web/studies?limit=1&offset=0', headers: { host: host() } })).status).toBe(200);
  });

  it('a frame list cannot repeat frames (no 157 MB answer from a 4 KB URL)', async () => {
    const base = `/dicom-web/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${fixture.sopUIDs[0]}/frames`;
    const r = await send({ path: `${base}/${Array(2000).fill(1).join(',')}`, headers: { host: host() } });
    expect(r.status).toBe(400);
    expect(r.body.length).toBeLessThan(500);
    expect((await send({ path: `${base}/1,1`, headers: { host: host() } })).status).toBe(400);
    expect((await send({ path: `${base}/1`, headers: { host: host() } })).status).toBe(200);
  });

  it('STOW bodies above the cap are a 413, refused before they are read when Content-Length says so', async () => {
    const { body, type } = stowBody([variant({ sop: '1.2.826.0.1.3680043.8.498.904' })]);
    expect(body.length).toBeGreaterThan(1024);
    const r = await send({ method: 'POST', path: '/dicom-web/studies', port: small.port, headers: { host: `127.0.0.1:${small.port}`, 'content-type': type }, body });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).error).toMatch(/larger than the 1024 accepted/);
  });

  it('a truncated instance is refused, not stored and served', async () => {
    const whole = variant({ sop: '1.2.826.0.1.3680043.8.498.905' });
    for (const cut of [whole.length - 1, whole.length - 10, whole.length - 31]) {
      const { body, type } = stowBody([whole.subarray(0, cut)]);
      const r = await send({ method: 'POST', path: '/dicom-web/studies', headers: { host: host(), 'content-type': type }, body });
      expect(r.status, `cut at ${cut}`).toBe(409);
      expect(r.text).toMatch(/"00081197":\{"vr":"US","Value":\[49152\]\}/);
    }
    expect(stowed().filter((f) => f.includes('905'))).toEqual([]);
    expect((await send({ path: `/dicom-web/studies/${STUDY_UID}/series/${SERIES_UID}/instances/1.2.826.0.1.3680043.8.498.905/metadata`, headers: { host: host() } })).status).toBe(404);
  });
});
