import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export interface StaticSite {
  url: string;
  /** Paths asked for that were not there. */
  missing: string[];
  close(): Promise<void>;
}

/**
 * A plain static web server, as an adopter's would be: URL prefixes mapped to folders ('/' last);
 * with `spaFallback`, a path without a file extension that matches no file gets index.html.
 */
export async function serveFolders(folders: Record<string, string>, { spaFallback = false } = {}): Promise<StaticSite> {
  const missing: string[] = [];
  const entries = Object.entries(folders).sort(([a], [b]) => b.length - a.length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [prefix, dir] = entries.find(([p]) => path.startsWith(p)) ?? [];
    let file = dir !== undefined ? normalize(join(dir, path.slice(prefix!.length))) : undefined;
    if (file && !file.startsWith(normalize(dir!) + sep) && file !== normalize(dir!)) file = undefined;
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if ((!file || !existsSync(file)) && spaFallback && !extname(path) && folders['/']) file = join(folders['/'], 'index.html');
    if (!file || !existsSync(file)) {
      missing.push(path);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    missing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
