import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataFile, parseCopyright } from './debian.js';
import { findRepoRoot, resolveCacheDir } from './cacheDir.js';
import { MissingDataError } from '../errors.js';

describe('Debian open data helpers', () => {
  it('reads the licence of the Files: * stanza', () => {
    const text = 'Format: https://x\nSource: https://example.org/src\n\nFiles: *\nCopyright: 2020 A\nLicense: BSD-3-clause\n\nFiles: debian/*\nLicense: GPL-2\n';
    expect(parseCopyright(text)).toEqual({ licence: 'BSD-3-clause', upstream: 'https://example.org/src' });
  });
  it('a licence given only as text below an empty License line is not taken for its name', () => {
    // As python-matplotlib-data's copyright file has it.
    const text = 'Files: *\nCopyright: 2012 MDT\nLicense:\n Matplotlib only uses BSD compatible code, and its license is based\n on the PSF license.\n';
    expect(parseCopyright(text).licence).toBe('unnamed licence (its full text is in the copyright file)');
  });
  it('a missing file says how to run the set-up step', () => {
    const d = mkdtempSync(join(tmpdir(), 'meddiff-empty-cache-'));
    expect(() => openDataFile(d, 'mricron-data', 'usr/share/x.nii.gz')).toThrow(MissingDataError);
    expect(() => openDataFile(d, 'mricron-data', 'usr/share/x.nii.gz')).toThrow(/fetch-open-data/);
    rmSync(d, { recursive: true });
  });
  it('the cache is <repo root>/.cache unless told otherwise', () => {
    const root = findRepoRoot(new URL('.', import.meta.url).pathname)!;
    expect(resolveCacheDir(undefined, join(root, 'packages', 'imaging'))).toBe(join(root, '.cache'));
    expect(resolveCacheDir('/tmp/x')).toBe('/tmp/x');
  });
});
