import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above `start` whose package.json declares workspaces. */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        const j = JSON.parse(readFileSync(pj, 'utf8')) as { workspaces?: unknown };
        if (j.workspaces !== undefined) return dir;
      } catch {
        // not JSON: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Where downloads and built data live: an explicit folder, else $MEDDIFF_CACHE, else `.cache/` in the
 * repository root above the working directory, else `.cache/` in the working directory.
 */
export function resolveCacheDir(explicit?: string, cwd: string = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  const env = process.env['MEDDIFF_CACHE'];
  if (env) return resolve(cwd, env);
  const root = findRepoRoot(cwd);
  return join(root ?? resolve(cwd), '.cache');
}
