import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export class OrthancError extends Error {
  override name = 'OrthancError';
}

export interface OrthancOptions {
  /** Folder for the configuration and the database (created if missing). */
  dir: string;
  httpPort: number;
  log?: (m: string) => void;
}

export interface RunningOrthanc {
  /** http://127.0.0.1:<port> */
  url: string;
  stop(): Promise<void>;
}

/**
 * The configuration this project runs Orthanc with: its own HTTP port, no DICOM (DIMSE) listener,
 * remote access refused (only loopback clients are served), storage under `dir`, and the DICOMweb
 * plugin at /dicom-web/. It never touches the Debian service's /etc/orthanc configuration or its
 * database, so an Orthanc started by the package's service does not interfere.
 */
export function orthancConfig(dir: string, httpPort: number): Record<string, unknown> {
  return {
    Name: 'meddiff-viewer',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    HttpServerEnabled: true,
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    SaveJobs: false,
    StableAge: 5,
    HttpTimeout: 60,
    KeepAlive: true,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      Ssl: false,
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
    },
  };
}

export function orthancAvailable(): boolean {
  return existsSync(ORTHANC_BINARY) && existsSync(DICOMWEB_PLUGIN);
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new OrthancError(`Orthanc exited with code ${exited} while starting; see the log above`);
    try {
      const r = await fetch(`${url}/system`);
      if (r.ok) {
        const plugins = (await (await fetch(`${url}/plugins`)).json()) as string[];
        if (!plugins.includes('dicom-web')) throw new OrthancError(`Orthanc started without its DICOMweb plugin (${DICOMWEB_PLUGIN}); install the Debian package orthanc-dicomweb`);
        return;
      }
    } catch (e) {
      if (e instanceof OrthancError) throw e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new OrthancError(`Orthanc did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/** Starts Debian's Orthanc with the project's configuration and waits until it serves DICOMweb. */
export async function startOrthanc(options: OrthancOptions): Promise<RunningOrthanc> {
  if (!orthancAvailable()) throw new OrthancError(`Orthanc is not installed (${ORTHANC_BINARY} or ${DICOMWEB_PLUGIN} missing): apt-get install orthanc orthanc-dicomweb`);
  mkdirSync(join(options.dir, 'db'), { recursive: true });
  const configFile = join(options.dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(orthancConfig(options.dir, options.httpPort), null, 2));
  const child = spawn(ORTHANC_BINARY, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${options.httpPort}`;
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new OrthancError(`${(e as Error).message}\n${lines.slice(-20).join('\n')}`);
  }
  options.log?.(`Orthanc ${url} (data in ${options.dir})`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Uploads Part-10 files through Orthanc's REST API; files it already holds are left as they are. */
export async function uploadToOrthanc(url: string, files: readonly string[]): Promise<{ stored: number; already: number }> {
  let stored = 0;
  let already = 0;
  for (const file of files) {
    const r = await fetch(`${url}/instances`, { method: 'POST', headers: { 'Content-Type': 'application/dicom' }, body: readFileSync(file) });
    if (!r.ok) throw new OrthancError(`Orthanc refused ${file}: HTTP ${r.status} ${await r.text()}`);
    const status = ((await r.json()) as { Status?: string }).Status;
    if (status === 'AlreadyStored') already++;
    else stored++;
  }
  return { stored, already };
}
