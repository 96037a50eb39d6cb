import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import dcmjs from 'dcmjs';
import { startViewerServer, type RunningViewer } from '../app/server.js';
import { STUDY_UID, SERIES_UID, writeFixtureSeries } from '../testing/fixtures.js';
import { DicomFolderStore } from './dicomFolderStore.js';
import { DicomwebRouter } from './dicomwebRouter.js';
import { encodeMultipart } from '@meddiff/imaging/node';

// A bounded soak of the server on loopback: mixed QIDO, WADO and STOW requests from concurrent
// clients, a fifth of them malformed or hostile. Figures are logged; the README quotes them.
const REQUESTS = 2000;
const CLIENTS = 16;
/** Growth of the process's resident memory allowed over the run (it holds no request after answering). */
const MEMORY_BOUND_MB = 200;

let fixture: ReturnType<typeof writeFixtureSeries>;
let stowDir: string;
let viewer: RunningViewer;
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  fixture = writeFixtureSeries();
  stowDir = mkdtempSync(join(tmpdir(), 'meddiff-soak-stow-'));
  const ohif = mkdtempSync(join(tmpdir(), 'meddiff-ohif-'));
  writeFileSync(join(ohif, 'index.html'), '<!doctype html><title>app</title>');
  const store = new DicomFolderStore([fixture.dir], stowDir).load();
  viewer = await startViewerServer({ host: '127.0.0.1', port: 0, ohifDist: ohif, plugins: { extensions: [], modes: [] }, modelsDir: ohif, dicomweb: { kind: 'embedded', router: new DicomwebRouter(store) }, extension: { pacsDataSource: 'dicomweb' } });
});
afterAll(async () => {
  agent.destroy();
  await viewer.close();
  vi.restoreAllMocks();
});

function send(o: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array }): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: viewer.port, agent, method: o.method ?? 'GET', path: o.path, headers: { host: `127.0.0.1:${viewer.port}`, ...o.headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end(o.body);
  });
}

function instance(sop: string): Uint8Array {
  const bytes = readFileSync(fixture.files[0]!);
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  dict.dict['00080018'] = { vr: 'UI', Value: [sop] };
  dict.meta['00020003'] = { vr: 'UI', Value: [sop] };
  return new Uint8Array(dict.write());
}

const TYPE = 'multipart/related; type="application/dicom"; boundary=soak';
const stow = (bytes: Uint8Array) => new Uint8Array(encodeMultipart([{ headers: { 'Content-Type': 'application/dicom' }, body: bytes }], 'soak'));
const series = `/dicom-web/studies/${STUDY_UID}/series/${SERIES_UID}`;

interface Planned {
  req: Parameters<typeof send>[0];
  status: number;
  storedSop?: string;
  refusedSop?: string;
}

/** Request i of the soak and the status it must get. */
function plan(i: number): Planned {
  const sop = `1.2.826.0.1.3680043.8.498.7${String(i).padStart(5, '0')}`;
  switch (i % 10) {
    case 0: return { req: { path: '/dicom-web/studies' }, status: 200 };
    case 1: return { req: { path: '/dicom-web/studies?PatientName=fix*&limit=5' }, status: 200 };
    case 2: return { req: { path: `${series}/metadata` }, status: 200 };
    case 3: return { req: { path: `${series}/instances/${fixture.sopUIDs[i % 4]}/frames/1` }, status: 200 };
    case 4: return { req: { method: 'POST', path: '/dicom-web/studies', headers: { 'content-type': TYPE, origin: `http://127.0.0.1:${viewer.port}` }, body: stow(instance(sop)) }, status: 200, storedSop: sop };
    case 5: return { req: { path: `${series}/instances` }, status: 200 };
    case 6: return { req: { path: `/dicom-web/studies?ImageComments=${'*?'.repeat(40)}Q` }, status: 200 };
    case 7: {
      // Hostile or malformed, in turn: a truncated instance, a form post, a cross-site write, a rebinding Host, a repeated frame list, a bad escape.
      const whole = instance(sop);
      const kinds: Planned[] = [
        { req: { method: 'POST', path: '/dicom-web/studies', headers: { 'content-type': TYPE }, body: stow(whole.subarray(0, whole.length - 9)) }, status: 409, refusedSop: sop },
        { req: { method: 'POST', path: '/dicom-web/studies', headers: { 'content-type': 'multipart/form-data; boundary=soak' }, body: stow(whole) }, status: 415, refusedSop: sop },
        { req: { method: 'POST', path: '/dicom-web/studies', headers: { 'content-type': TYPE, origin: 'https://evil.example' }, body: stow(whole) }, status: 403, refusedSop: sop },
        { req: { path: '/dicom-web/studies', headers: { host: `evil.example:${viewer.port}` } }, status: 421 },
        { req: { path: `${series}/instances/${fixture.sopUIDs[0]}/frames/1,1,1,1` }, status: 400 },
        { req: { path: '/dicom-web/studies/%E0%A4%A' }, status: 400 },
      ];
      return kinds[Math.floor(i / 10) % kinds.length]!;
    }
    case 8: return { req: { path: '/dicom-web/studies?limit=abc' }, status: 400 };
    default: return { req: { path: '/app-config.js' }, status: 200 };
  }
}

describe('soak: the server on loopback', () => {
  it(`answers ${REQUESTS} mixed requests from ${CLIENTS} clients correctly, within a memory bound, and stays responsive`, async () => {
    const plans = Array.from({ length: REQUESTS }, (_, i) => plan(i));
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const wrong: string[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < REQUESTS; i = next++) {
          const p = plans[i]!;
          const status = await send(p.req);
          if (status !== p.status) wrong.push(`#${i} ${p.req.method ?? 'GET'} ${p.req.path.slice(0, 60)}: ${status}, expected ${p.status}`);
          if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(wrong).toEqual([]);
    // Nothing refused was stored; everything accepted was.
    const stored = new Set(existsSync(stowDir) ? readdirSync(stowDir, { recursive: true }).map(String).filter((f) => f.endsWith('.dcm')).map((f) => f.split('/').pop()!.replace(/\.dcm$/, '')) : []);
    for (const p of plans) {
      if (p.storedSop) expect(stored.has(p.storedSop)).toBe(true);
      if (p.refusedSop) expect(stored.has(p.refusedSop)).toBe(false);
    }
    expect(stored.size).toBe(plans.filter((p) => p.storedSop).length);
    const growthMb = (peak - rss0) / 1024 / 1024;
    expect(growthMb).toBeLessThan(MEMORY_BOUND_MB);
    const t1 = performance.now();
    expect(await send({ path: '/dicom-web/studies' })).toBe(200);
    const lastMs = performance.now() - t1;
    expect(lastMs).toBeLessThan(1000);
    process.stdout.write(`soak: ${REQUESTS} requests (${CLIENTS} clients) in ${seconds.toFixed(1)} s, ${stored.size} instances stored, resident memory ${(rss0 / 2 ** 20).toFixed(0)} -> peak ${(peak / 2 ** 20).toFixed(0)} MB (+${growthMb.toFixed(0)}), then a QIDO in ${lastMs.toFixed(0)} ms\n`);
  });
});
