// Test helpers (not exported from the package): paths to the cached open data, failing loudly when the
// set-up step has not run.
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { MissingDataError } from '../errors.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PYDICOM_TEST_FILES } from '../dataset/openSources.js';
import { resolveCacheDir } from '../node/cacheDir.js';
import { openDataFile } from '../node/debian.js';

export const CACHE_DIR = resolveCacheDir(undefined, fileURLToPath(new URL('.', import.meta.url)));

export function openFile(pkg: string, path: string): string {
  return openDataFile(CACHE_DIR, pkg, path);
}

export function pydicomFile(name: string): string {
  return openFile('python3-pydicom', join(PYDICOM_TEST_FILES, name));
}

export function pydicomBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(pydicomFile(name)));
}

/** A fresh cache folder whose open-data/ is the real cache's (read-only use), for builders that write. */
export function scratchCache(): string {
  const real = join(CACHE_DIR, 'open-data');
  if (!existsSync(real)) throw new MissingDataError(`the open data cache ${real}`, 'Run the set-up step: `npm run -w @meddiff/imaging fetch-open-data`.');
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-imaging-'));
  symlinkSync(real, join(dir, 'open-data'));
  return dir;
}
