import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Unpacks a .tgz from npm pack and returns the folder of its package (npm's tarballs hold one folder, package/). */
export function unpack(tarball: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-unpacked-'));
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  return join(dir, 'package');
}
