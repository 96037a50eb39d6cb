// Test helpers (not exported from the package): paths to the cached open data, failing loudly when the
// set-up step has not run.
import { readFileSync } from 'node:fs';
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
