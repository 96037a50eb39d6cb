#!/usr/bin/env node
// The viewer's command line: `prepare` (downloads and builds everything once) and `start`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSampleStudies, startOrthanc, uploadToOrthanc } from '@meddiff/imaging/node';
import { ensureOhifApp, hasOhifApp } from './app/ohifApp.js';
import { OHIF_APP_VERSION, viewerPaths, type ViewerPaths } from './app/paths.js';
import { builtPlugins } from './app/plugins.js';
import { startViewerServer, type DicomwebBackend } from './app/server.js';
import { ensureModels } from './data/models.js';
import { ensureSimulatedStudy } from './data/simulatedStudy.js';
import { writeTestStudies } from './data/testStudies.js';
import { DicomFolderStore } from './dicomweb/dicomFolderStore.js';
import { DEFAULT_MAX_STOW_BYTES, DicomwebRouter } from './dicomweb/dicomwebRouter.js';
import { requestPolicy } from './app/requestPolicy.js';
import { DICOMWEB_SOURCE } from './app/appConfig.js';

const log = (m: string) => process.stdout.write(`viewer: ${m}\n`);

function dicomFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...dicomFiles(p));
    else if (name.endsWith('.dcm')) out.push(p);
  }
  return out.sort();
}

/** Everything the viewer needs that comes from outside the repository, fetched and built once. */
export async function prepare(paths: ViewerPaths): Promise<void> {
  const t0 = Date.now();
  ensureOhifApp(paths.ohifDist, OHIF_APP_VERSION, log);
  writeSampleStudies(paths.cacheDir, { log });
  const simulated = ensureSimulatedStudy(paths.cacheDir, paths.simulatedStudies, log);
  await writeTestStudies(paths.cacheDir, paths.sampleStudies, simulated, log);
  await ensureModels(paths.models, log);
  log(`prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s (cache ${paths.cacheDir})`);
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      orthanc: { type: 'boolean', default: false },
      'orthanc-port': { type: 'string', default: '8043' },
      'with-test-studies': { type: 'boolean', default: false },
      'allowed-host': { type: 'string', multiple: true, default: [] },
      'allowed-origin': { type: 'string', multiple: true, default: [] },
      'max-stow-mb': { type: 'string', default: String(DEFAULT_MAX_STOW_BYTES / 1024 / 1024) },
    },
  });
  const maxStowMb = Number(values['max-stow-mb']);
  if (!Number.isFinite(maxStowMb) || maxStowMb <= 0) throw new Error(`--max-stow-mb ${values['max-stow-mb']} is not a positive number of megabytes`);
  const policy = requestPolicy(values.host!, { hosts: values['allowed-host'], origins: values['allowed-origin'] });
  const paths = viewerPaths();
  // Refuses, saying to build, when the extension or the mode is not built (`npm start` builds them first).
  const plugins = builtPlugins();
  if (!hasOhifApp(paths.ohifDist)) await prepare(paths);
  else {
    writeSampleStudies(paths.cacheDir, { log });
    await ensureModels(paths.models, log);
  }
  // Cached: does nothing when prepare wrote it already.
  const simulated = ensureSimulatedStudy(paths.cacheDir, paths.simulatedStudies, log);
  const folders = [paths.sampleStudies, simulated.dir];
  if (values['with-test-studies']) folders.push(await writeTestStudies(paths.cacheDir, paths.sampleStudies, simulated, log));
  let backend: DicomwebBackend;
  let stopOrthanc: (() => Promise<void>) | undefined;
  if (values.orthanc) {
    const orthanc = await startOrthanc({ dir: paths.orthanc, httpPort: Number(values['orthanc-port']), log });
    stopOrthanc = orthanc.stop;
    const files = folders.flatMap(dicomFiles);
    const { stored, already } = await uploadToOrthanc(orthanc.url, files);
    log(`uploaded the studies to Orthanc: ${stored} new, ${already} already there`);
    backend = { kind: 'proxy', target: orthanc.url, name: 'Orthanc (local)' };
  } else {
    const store = new DicomFolderStore(folders, paths.stowStore).load();
    log(`embedded DICOMweb server: ${store.summary()}`);
    backend = { kind: 'embedded', router: new DicomwebRouter(store, { maxStowBytes: Math.round(maxStowMb * 1024 * 1024) }) };
  }
  const viewer = await startViewerServer({
    host: values.host!,
    port: Number(values.port),
    ohifDist: paths.ohifDist,
    plugins,
    modelsDir: paths.models,
    dicomweb: backend,
    extension: { pacsDataSource: DICOMWEB_SOURCE },
    policy,
    log,
  });
  log(`answering to the host names ${policy.allowedHosts.join(', ')}${policy.allowedOrigins.length ? `; writes also from ${policy.allowedOrigins.join(', ')}` : ''} (--allowed-host, --allowed-origin add more)`);
  log(`OHIF ${OHIF_APP_VERSION} with the diffusion tools is ready:`);
  process.stdout.write(`\n    ${viewer.url}/\n\n`);
  log('open a study and choose "Diffusion tools"; Ctrl+C stops the server');
  const shutdown = async () => {
    await viewer.close();
    await stopOrthanc?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'prepare') await prepare(viewerPaths());
  else if (command === 'start') await start(rest);
  else {
    process.stderr.write('usage: tsx src/cli.ts prepare | start [--port 3000] [--host 127.0.0.1] [--orthanc] [--orthanc-port 8043] [--with-test-studies] [--allowed-host NAME]... [--allowed-origin URL]... [--max-stow-mb 256]\n');
    process.exit(2);
  }
} catch (e) {
  process.stderr.write(`viewer: ${(e as Error).message}\n`);
  process.exit(1);
}
