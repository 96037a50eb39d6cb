import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, writeSampleStudies, startOrthanc, uploadToOrthanc, type RunningOrthanc } from '@meddiff/imaging/node';
import { hasOhifApp } from '../src/app/ohifApp.js';
import { APP_DIR, viewerPaths } from '../src/app/paths.js';
import { builtPlugins } from '../src/app/plugins.js';
import { startViewerServer, type RunningViewer } from '../src/app/server.js';
import { ensureModels, type ModelIndexEntry } from '../src/data/models.js';
import { ensureSimulatedStudy, type SimulatedStudy } from '../src/data/simulatedStudy.js';
import { writeTestStudies } from '../src/data/testStudies.js';
import { DICOMWEB_SOURCE } from '../src/app/appConfig.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of each tool's result are kept here (gitignored). */
export const ARTIFACTS = join(APP_DIR, 'test-results', 'e2e');

/** Flags that let headless Chromium run here as root without reaching the network; WebGPU is opt-in. */
export function chromiumArgs(webgpu: boolean): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
  ];
}

function dicomFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? dicomFiles(p) : name.endsWith('.dcm') ? [p] : [];
  });
}

/**
 * Models offered in the tests: every shipped model (the Med-cDiff model of each task and the CDM
 * contrast translation), a copy of the denoising one with one flipped byte, one whose model.json
 * differs from the digest the index pins, and one that does not
 * exist. `good` is the denoising model under another name with no task, for the model-switching test.
 */
function writeTestModels(shipped: ModelIndexEntry[], source: string, dir: string): void {
  const denoising = shipped.find((m) => m.tasks.includes('denoise'))!;
  for (const m of shipped) cpSync(join(source, m.id), join(dir, m.id), { recursive: true });
  cpSync(join(source, denoising.id), join(dir, 'good'), { recursive: true });
  cpSync(join(source, denoising.id), join(dir, 'corrupt'), { recursive: true });
  const shard = readdirSync(join(dir, 'corrupt')).find((f) => f.endsWith('.bin'))!;
  const bytes = readFileSync(join(dir, 'corrupt', shard));
  bytes[100] = bytes[100]! ^ 0x01;
  writeFileSync(join(dir, 'corrupt', shard), bytes);
  // model.json replaced (still valid, every shard hash in it still right): only the index's pin catches it.
  cpSync(join(source, denoising.id), join(dir, 'replaced'), { recursive: true });
  writeFileSync(join(dir, 'replaced', 'model.json'), `${readFileSync(join(dir, 'replaced', 'model.json'), 'utf8')}\n`);
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      version: 1,
      models: [
        ...shipped,
        { id: 'good', label: 'Denoising (good)', url: '/models/good/', tasks: [], family: 'med-cdiff', pinned: denoising.pinned },
        // Its model.json is the shipped one (so it passes the pin); a shard's hash in it then fails.
        { id: 'corrupt', label: 'Denoising (corrupt shard)', url: '/models/corrupt/', tasks: [], family: 'med-cdiff', pinned: denoising.pinned },
        { id: 'replaced', label: 'Denoising (model.json replaced)', url: '/models/replaced/', tasks: [], family: 'med-cdiff', pinned: denoising.pinned },
        { id: 'missing', label: 'Missing weights', url: '/models/missing/', tasks: [], family: 'med-cdiff', pinned: {} },
      ] satisfies ModelIndexEntry[],
    }),
  );
}

export interface Harness {
  viewer: RunningViewer;
  /** The simulated multi-contrast study in Orthanc (UIDs per contrast); TEST_SERIES.shiftedT2 joins it. */
  simulated: SimulatedStudy;
  orthanc: RunningOrthanc;
  orthancDir: string;
  orthancPort: number;
  browser: Browser;
  page: Page;
  stopOrthanc(): Promise<void>;
  restartOrthanc(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything the end-to-end tests run against, on free ports and in temporary folders: a fresh
 * Orthanc (Debian's, with the project's configuration) holding the test study and the simulated
 * multi-contrast study (with the shifted T2 fixture), the viewer server proxying DICOMweb to it,
 * and headless Chromium with WebGPU. Nothing here reaches the network:
 * the OHIF app and sample data must have been prepared (`npm run prepare-viewer -w apps/viewer`).
 */
export async function startHarness(): Promise<Harness> {
  const paths = viewerPaths();
  if (!hasOhifApp(paths.ohifDist)) throw new Error(`The OHIF app is not prepared in ${paths.ohifDist}: run \`npm run prepare-viewer -w apps/viewer\` once (it downloads the app).`);
  const plugins = builtPlugins();
  if (!existsSync(join(paths.sampleStudies, 'index.json'))) throw new Error(`The sample studies are missing in ${paths.sampleStudies}: run \`npm run prepare-viewer -w apps/viewer\`.`);
  writeSampleStudies(paths.cacheDir);
  const simulated = ensureSimulatedStudy(paths.cacheDir, paths.simulatedStudies);
  const testStudies = await writeTestStudies(paths.cacheDir, paths.sampleStudies, simulated);
  const shipped = await ensureModels(paths.models);
  const work = mkdtempSync(join(tmpdir(), 'meddiff-e2e-'));
  const modelsDir = join(work, 'models');
  mkdirSync(modelsDir);
  writeTestModels(shipped, paths.models, modelsDir);
  const orthancDir = join(work, 'orthanc');
  const orthancPort = await freePort();
  let orthanc = await startOrthanc({ dir: orthancDir, httpPort: orthancPort });
  await uploadToOrthanc(orthanc.url, [...dicomFiles(testStudies), ...dicomFiles(simulated.dir)]);
  const viewer = await startViewerServer({
    host: '127.0.0.1',
    port: 0,
    ohifDist: paths.ohifDist,
    plugins,
    modelsDir,
    dicomweb: { kind: 'proxy', target: orthanc.url, name: 'Orthanc (e2e)' },
    extension: { pacsDataSource: DICOMWEB_SOURCE },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs(true) });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  mkdirSync(ARTIFACTS, { recursive: true });
  const harness: Harness = {
    viewer,
    simulated,
    orthanc,
    orthancDir,
    orthancPort,
    browser,
    page,
    stopOrthanc: () => orthanc.stop(),
    async restartOrthanc() {
      orthanc = await startOrthanc({ dir: orthancDir, httpPort: orthancPort });
      harness.orthanc = orthanc;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await viewer.close();
      await orthanc.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return harness;
}
