import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { publishedPackages, REPO_ROOT } from './workspace.js';

/** One packed package: what `npm publish` would upload. */
export interface Tarball {
  name: string;
  file: string;
  /** Bytes of the packed .tgz and of its files unpacked. */
  size: number;
  unpackedSize: number;
  files: string[];
}

/** Packs every published package (as built) into `dest`, with `npm pack`: the same files `npm publish` sends. */
export function packAll(dest: string): Map<string, Tarball> {
  const packages = publishedPackages();
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest, ...packages.flatMap((p) => ['-w', p.dir])], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(out) as { name: string; filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  return new Map(packed.map((p) => [p.name, { name: p.name, file: join(dest, p.filename), size: p.size, unpackedSize: p.unpackedSize, files: p.files.map((f) => f.path) }]));
}
