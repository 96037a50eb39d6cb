import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class OhifAppMissingError extends Error {
  override name = 'OhifAppMissingError';
}

const MARKER = '.meddiff-ohif-app.json';

/** True when the prebuilt app is unpacked in `dist`. */
export function hasOhifApp(dist: string): boolean {
  return existsSync(join(dist, 'index.html')) && existsSync(join(dist, MARKER));
}

/**
 * Fetches the prebuilt OHIF app once: `npm pack @ohif/app@<version>` (the published package carries
 * its production `dist/`; the app cannot be built from source on Node 20), unpacks `dist/` without
 * the unused onnxruntime folder `ort/` (136 MB), and moves it into place only when complete.
 */
export function ensureOhifApp(dist: string, version: string, log: (m: string) => void = () => undefined): { fetched: boolean } {
  if (hasOhifApp(dist)) return { fetched: false };
  const work = `${dist}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`fetching the prebuilt OHIF app (npm pack @ohif/app@${version}, about 50 MB)`);
  const packed = JSON.parse(execFileSync('npm', ['pack', `@ohif/app@${version}`, '--json', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { filename: string; integrity: string; shasum: string }[];
  const info = packed[0];
  if (!info) throw new OhifAppMissingError(`npm pack @ohif/app@${version} produced no tarball`);
  const tarball = join(work, info.filename);
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--exclude=package/dist/ort', 'package/dist', 'package/LICENSE', 'package/package.json']);
  rmSync(tarball);
  const distDir = join(unpacked, 'package', 'dist');
  if (!existsSync(join(distDir, 'index.html'))) throw new OhifAppMissingError(`@ohif/app@${version} has no dist/index.html`);
  writeFileSync(join(distDir, MARKER), JSON.stringify({ package: `@ohif/app@${version}`, integrity: info.integrity, shasum: info.shasum, licence: 'MIT', removed: ['ort/'] }, null, 1));
  // The upstream app-config.js points at a public demo server; the viewer serves its own.
  renameSync(join(distDir, 'app-config.js'), join(distDir, 'app-config.upstream.js'));
  writeFileSync(join(distDir, 'LICENSE.ohif'), readFileSync(join(unpacked, 'package', 'LICENSE')));
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dirname(dist), { recursive: true });
  renameSync(distDir, dist);
  rmSync(work, { recursive: true, force: true });
  log(`OHIF app ${version} unpacked in ${dist} (${readdirSync(dist).length} entries)`);
  return { fetched: true };
}
