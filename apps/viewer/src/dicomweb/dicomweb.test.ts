import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { writeRuntimeDescriptor } from '@meddiff/ohif-extension/runtime-plugin';
import { servedPlugin } from '../app/plugins.js';
import { startViewerServer, type RunningViewer } from '../app/server.js';
import { STUDY_UID, SERIES_UID, writeFixtureSeries } from '../testing/fixtures.js';
import { DicomFolderStore } from './dicomFolderStore.js';
import { DicomwebRouter } from './dicomwebRouter.js';
import { encodeMultipart, parseMultipart } from '@meddiff/imaging/node';

type Json = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>[];

let fixture: ReturnType<typeof writeFixtureSeries>;
let stowDir: string;
let viewer: RunningViewer;
let store: DicomFolderStore;
let base: string;

/** A built plugin as its package's build leaves it: one module and its runtime-plugin descriptor. */
function fakePlugin(name: string, entry: string) {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-plugin-'));
  writeFileSync(join(dir, entry), 'export default {}');
  writeRuntimeDescriptor(dir, entry, { name, version: '0.1.0', peerDependencies: { '@ohif/core': '^3.13.0' } });
  return servedPlugin(dir);
}

beforeAll(async () => {
  fixture = writeFixtureSeries();
  stowDir = mkdtempSync(join(tmpdir(), 'meddiff-stow-'));
  const ohif = mkdtempSync(join(tmpdir(), 'meddiff-ohif-'));
  writeFileSync(join(ohif, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(ohif, 'app.bundle.0123456789abcdef.js'), 'console.log(1)');
  const [extension, mode] = [fakePlugin('@meddiff/ohif-extension', 'meddiff-extension.js'), fakePlugin('@meddiff/ohif-mode', 'meddiff-mode.js')];
  store = new DicomFolderStore([fixture.dir], stowDir).load();
  viewer = await startViewerServer({ host: '127.0.0.1', port: 0, ohifDist: ohif, plugins: { extensions: [extension], modes: [mode] }, modelsDir: extension.dir, dicomweb: { kind: 'embedded', router: new DicomwebRouter(store) }, extension: { pacsDataSource: 'dicomweb' } });
  base = `${viewer.url}/dicom-web`;
});
afterAll(() => viewer.close());

const get = async (path: string) => {
  const r = await fetch(`${base}${path}`);
  return { status: r.status, json: (await r.json()) as Json };
};

function stowBody(parts: Uint8Array[]): { body: Uint8Array<ArrayBuffer>; type: string } {
  const boundary = 'stowtest';
  const body = encodeMultipart(parts.map((b) => ({ headers: { 'Content-Type': 'application/dicom' }, body: b })), boundary);
  return { body: new Uint8Array(body), type: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

/** The fixture's first instance with a new SOP Instance UID (and optionally changed pixels). */
function variant(sop: string, pixelDelta = 0): Uint8Array {
  const bytes = readFileSync(fixture.files[0]!);
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  dict.dict['00080018'] = { vr: 'UI', Value: [sop] };
  dict.meta['00020003'] = { vr: 'UI', Value: [sop] };
  if (pixelDelta) new Int16Array(dict.dict['7FE00010']!.Value![0] as ArrayBuffer)[0]! += pixelDelta;
  return new Uint8Array(dict.write());
}

describe('the embedded DICOMweb server', () => {
  it('indexes the DICOM files of its folders and lists the others as skipped', () => {
    expect(store.instances()).toHaveLength(4);
    expect(store.skipped).toEqual([{ file: expect.stringMatching(/README\.txt$/), reason: expect.stringMatching(/not a DICOM Part-10 file/) }]);
  });

  it('QIDO-RS: studies with counts and modalities, filtered by keys, wildcards and date ranges', async () => {
    const all = await get('/studies');
    expect(all.status).toBe(200);
    expect(all.json).toHaveLength(1);
    expect(all.json[0]).toMatchObject({
      '0020000D': { vr: 'UI', Value: [STUDY_UID] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Fixture^Patient' }] },
      '00080061': { vr: 'CS', Value: ['CT'] },
      '00201206': { Value: [1] },
      '00201208': { Value: [4] },
    });
    expect((await get('/studies?PatientName=fix*')).json).toHaveLength(1);
    expect((await get('/studies?PatientName=other*')).json).toHaveLength(0);
    expect((await get('/studies?PatientID=FIX-1&StudyDate=20240101-20241231')).json).toHaveLength(1);
    expect((await get('/studies?StudyDate=20250101-')).json).toHaveLength(0);
    expect((await get(`/studies?StudyInstanceUID=1.2.3,${STUDY_UID}`)).json).toHaveLength(1);
    expect((await get('/studies?ModalitiesInStudy=MR')).json).toHaveLength(0);
    expect((await get('/studies?offset=1')).json).toHaveLength(0);
    const bad = await get('/studies?PatientNmae=x');
    expect(bad.status).toBe(400);
    expect((bad.json as unknown as { error: string }).error).toMatch(/unknown QIDO-RS query key "PatientNmae"/);
  });

  it('QIDO-RS: series and instances of a study', async () => {
    const series = await get(`/studies/${STUDY_UID}/series`);
    expect(series.json).toEqual([expect.objectContaining({ '0020000E': { vr: 'UI', Value: [SERIES_UID] }, '00080060': { vr: 'CS', Value: ['CT'] }, '00201209': { vr: 'IS', Value: [4] } })]);
    const instances = await get(`/studies/${STUDY_UID}/series/${SERIES_UID}/instances`);
    expect(instances.json.map((i) => i['00080018']!.Value![0])).toEqual(fixture.sopUIDs);
    expect((await get('/studies/1.2.3/series')).status).toBe(404);
  });

  it('WADO-RS: metadata as the DICOM JSON model with absolute bulk data URIs', async () => {
    const meta = await get(`/studies/${STUDY_UID}/series/${SERIES_UID}/metadata`);
    expect(meta.json).toHaveLength(4);
    const first = meta.json[0]!;
    expect(first['00280010']).toEqual({ vr: 'US', Value: [6] });
    expect(first['00280030']).toEqual({ vr: 'DS', Value: [0.8, 0.8] });
    expect(first['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: `${base}/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${fixture.sopUIDs[0]}/bulkdata/7FE00010` });
  });

  it('WADO-RS: frames as multipart octet-stream holding exactly the stored pixels', async () => {
    const r = await fetch(`${base}/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${fixture.sopUIDs[2]}/frames/1`);
    expect(r.status).toBe(200);
    const type = r.headers.get('content-type')!;
    expect(type).toMatch(/^multipart\/related; type="application\/octet-stream"; transfer-syntax=1\.2\.840\.10008\.1\.2\.1; boundary=/);
    const [part] = parseMultipart(Buffer.from(await r.arrayBuffer()), type);
    const pixels = new Int16Array(part!.body.buffer.slice(part!.body.byteOffset, part!.body.byteOffset + part!.body.byteLength));
    expect(pixels).toHaveLength(30);
    // Slice 2 of the fixture, stored in HU with slope 1 and intercept 0.
    expect(Array.from(pixels)).toEqual(Array.from(fixture.volume.data.slice(60, 90)));
    expect((await fetch(`${base}/studies/${STUDY_UID}/series/${SERIES_UID}/instances/${fixture.sopUIDs[2]}/frames/2`)).status).toBe(404);
  });

  it('STOW-RS: stores new instances, accepts the same bytes again, and never overwrites different ones', async () => {
    const sop = '1.2.826.0.1.3680043.8.498.300';
    const first = stowBody([variant(sop)]);
    let r = await fetch(`${base}/studies`, { method: 'POST', headers: { 'Content-Type': first.type }, body: first.body });
    expect(r.status).toBe(200);
    const ok = (await r.json()) as Record<string, { Value: Record<string, { Value: string[] }>[] }>;
    expect(ok['00081199']!.Value[0]!['00081155']!.Value[0]).toBe(sop);
    expect((await get(`/studies/${STUDY_UID}/series/${SERIES_UID}/instances`)).json).toHaveLength(5);
    r = await fetch(`${base}/studies/${STUDY_UID}`, { method: 'POST', headers: { 'Content-Type': first.type }, body: first.body });
    expect(r.status).toBe(200);
    const conflict = stowBody([variant(sop, 5), new TextEncoder().encode('not dicom')]);
    r = await fetch(`${base}/studies`, { method: 'POST', headers: { 'Content-Type': conflict.type }, body: conflict.body });
    expect(r.status).toBe(409);
    const failed = (await r.json()) as Record<string, { Value: Record<string, { Value: number[] }>[] }>;
    expect(failed['00081198']!.Value.map((f) => f['00081197']!.Value[0])).toEqual([0x0111, 0xc000]);
    const wrongStudy = stowBody([variant('1.2.826.0.1.3680043.8.498.301')]);
    r = await fetch(`${base}/studies/1.2.3.4`, { method: 'POST', headers: { 'Content-Type': wrongStudy.type }, body: wrongStudy.body });
    expect(r.status).toBe(409);
    // Stored instances survive a restart: a new store over the same folders finds them.
    const again = new DicomFolderStore([fixture.dir], stowDir).load();
    expect(again.instances({ sopUID: sop })).toHaveLength(1);
    expect(again.instances()).toHaveLength(5);
  });
});

describe('the viewer origin', () => {
  it('serves the app with an SPA fallback, its generated config, and nothing outside its folders', async () => {
    const route = await fetch(`${viewer.url}/diffusion?StudyInstanceUIDs=1.2.3`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>app</title>');
    expect((await fetch(`${viewer.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${viewer.url}/plugins/..%2F..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${viewer.url}/plugins/@meddiff/ohif-extension/0.1.0/meddiff-extension.js`)).headers.get('content-type')).toMatch(/text\/javascript/);
    expect((await fetch(`${viewer.url}/plugins/meddiff-extension.js`)).status).toBe(404);
    expect((await fetch(`${viewer.url}/app.bundle.0123456789abcdef.js`)).headers.get('cache-control')).toMatch(/immutable/);
    const config = await (await fetch(`${viewer.url}/app-config.js`)).text();
    const window: { config?: { dataSources: { configuration: { wadoRoot?: string } }[]; extensions: string[]; modes: string[]; meddiff: unknown } } = {};
    new Function('window', config)(window);
    expect(window.config!.dataSources[0]!.configuration.wadoRoot).toBe(`${viewer.url}/dicom-web`);
    // OHIF's runtime-plugin layout, as rooted URLs (the 3.13 app imports URL strings).
    expect(window.config!.extensions).toEqual(['/plugins/@meddiff/ohif-extension/0.1.0/meddiff-extension.js']);
    expect(window.config!.modes).toEqual(['/plugins/@meddiff/ohif-mode/0.1.0/meddiff-mode.js']);
    expect(window.config!.meddiff).toEqual({ pacsDataSource: 'dicomweb', modelsIndexUrl: '/models/index.json' });
  });
});
