import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from './node/cacheDir.js';
import { pydicomFile } from './testing/openData.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = `${findRepoRoot(here)}/node_modules/.bin/tsx`;
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('meddiff-imaging CLI', () => {
  it('info prints a scan\'s shape, geometry and range', () => {
    const out = execFileSync(tsx, [cli, 'info', pydicomFile('CT_small.dcm')], { encoding: 'utf8' });
    const j = JSON.parse(out) as { shape: number[]; min: number; max: number; modality: string };
    expect(j.shape).toEqual([1, 128, 128]);
    expect([j.min, j.max]).toEqual([-896, 1167]);
    expect(j.modality).toBe('CT');
  });
  it('a bad file exits 1 with the typed error and the file name', () => {
    const r = spawnSync(tsx, [cli, 'info', cli], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[NOT_DICOM\].*cli\.ts/);
  });
});
