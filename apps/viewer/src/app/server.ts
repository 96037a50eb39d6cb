import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type AppConfigOptions, renderAppConfig } from './appConfig.js';
import { appConfigEntry, servedPrefix, type ViewerPlugins } from './plugins.js';
import { proxyRequest } from './proxy.js';
import { checkRequest, requestPolicy, type RequestPolicy } from './requestPolicy.js';
import { resolveStatic, sendFile } from './staticFiles.js';
import type { DicomwebRouter } from '../dicomweb/dicomwebRouter.js';

export const DICOMWEB_PATH = '/dicom-web';

/** Where DICOMweb requests go: the embedded server, or a PACS behind a reverse proxy. */
export type DicomwebBackend = { kind: 'embedded'; router: DicomwebRouter } | { kind: 'proxy'; target: string; name: string };

export interface ViewerServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  ohifDist: string;
  /** The prebuilt plugins, served in OHIF's runtime-plugin layout under /plugins/. */
  plugins: ViewerPlugins;
  modelsDir: string;
  dicomweb: DicomwebBackend;
  extension: Omit<AppConfigOptions['extension'], 'modelsIndexUrl'>;
  /** Host names and origins served besides loopback (see requestPolicy.ts); default: loopback and `host` only. */
  policy?: RequestPolicy;
  log?: (m: string) => void;
}

export interface RunningViewer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * One HTTP origin for everything the browser needs: the OHIF app (with an SPA fallback to
 * index.html, since the app routes on the client), a generated app-config.js, the extension's and
 * the mode's modules under /plugins/<packageName>/<version>/, model weights under /models/, and DICOMweb under /dicom-web/ (embedded,
 * or proxied to Orthanc together with /wado, since Orthanc sends no CORS headers).
 */
export async function startViewerServer(o: ViewerServerOptions): Promise<RunningViewer> {
  const policy = o.policy ?? requestPolicy(o.host);
  const folders: [string, string][] = [...[...o.plugins.extensions, ...o.plugins.modes].map((p): [string, string] => [servedPrefix(p), p.dir]), ['/models/', o.modelsDir]];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Before anything else, the proxy included: a request under a name we do not serve, or a
    // write from another site's page, gets no further.
    const verdict = checkRequest(req, policy);
    if (!verdict.ok) {
      o.log?.(`refused ${req.method} ${req.url}: ${verdict.message}`);
      res.writeHead(verdict.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return void res.end(JSON.stringify({ error: verdict.message }));
    }
    const origin = verdict.origin;
    const url = new URL(req.url ?? '/', 'http://viewer');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === DICOMWEB_PATH || path.startsWith(`${DICOMWEB_PATH}/`) || (o.dicomweb.kind === 'proxy' && (path === '/wado' || path.startsWith('/wado?')))) {
      if (o.dicomweb.kind === 'proxy') return proxyRequest(req, res, o.dicomweb.target);
      return o.dicomweb.router.handle(req, res, path.slice(DICOMWEB_PATH.length), url.searchParams, `${origin}${DICOMWEB_PATH}`);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain' });
      return void res.end(`${method} is not allowed here`);
    }
    if (path === '/app-config.js') {
      const body = renderAppConfig({
        origin,
        dicomwebPath: DICOMWEB_PATH,
        pacsName: o.dicomweb.kind === 'proxy' ? o.dicomweb.name : 'Embedded DICOMweb (sample studies)',
        extensions: o.plugins.extensions.map(appConfigEntry),
        modes: o.plugins.modes.map(appConfigEntry),
        extension: { ...o.extension, modelsIndexUrl: '/models/index.json' },
      });
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end(body);
    }
    for (const [prefix, dir] of folders) {
      if (path.startsWith(prefix)) {
        const file = resolveStatic(dir, path.slice(prefix.length));
        if (file) return sendFile(res, file, method);
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return void res.end(`not found: ${path}`);
      }
    }
    // Nothing else under /plugins/ exists: no fallback to the app for it.
    if (path.startsWith('/plugins/')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return void res.end(`no plugin is served at ${path}`);
    }
    const file = resolveStatic(o.ohifDist, path);
    if (file) return sendFile(res, file, method, /\.[0-9a-f]{16}\.js$|\.wasm$/.test(file) ? 'immutable' : 'no-cache');
    // A path with a file extension that does not exist is a real 404; anything else is a client route.
    if (/\.[a-z0-9]+$/i.test(path)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return void res.end(`not found: ${path}`);
    }
    return sendFile(res, join(o.ohifDist, 'index.html'), method);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log?.(`error serving ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
