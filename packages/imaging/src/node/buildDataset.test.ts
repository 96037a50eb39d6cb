import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchCache } from '../testing/openData.js';
import { buildOpenDataset } from './buildDataset.js';
import { readDataset } from './writeDataset.js';
import { denormalize } from '../intensity/normalize.js';

const cache = scratchCache();
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('buildOpenDataset (the small dipy scans, 32 px)', () => {
  const opts = { cacheDir: cache, sources: ['piesno-dwi', 's0-dwi', 'tpm-gm'], size: 32, name: 'test-small', valFraction: 0.34 };
  it('writes train and val splits by subject with provenance and licences', () => {
    const { manifest, built, dir } = buildOpenDataset(opts);
    expect(built).toBe(true);
    const subjects = manifest.subjects;
    expect(subjects.filter((s) => s.split === 'val')).toHaveLength(1);
    // No subject straddles the splits.
    for (const v of manifest.volumes) expect(subjects.find((s) => s.id === v.subject)!.split).toBe(v.split);
    for (const v of manifest.volumes) {
      expect(v.provenance[0]!.kind).toBe('debian');
      expect(v.provenance[0]!.licence).toMatch(/BSD|Apache/);
      expect(v.provenance[0]!.version).toMatch(/\d/);
    }
    const train = readDataset(dir, 'train');
    const val = readDataset(dir, 'val');
    expect(train.shape.slice(1)).toEqual([1, 32, 32]);
    expect(train.shape[0] + val.shape[0]).toBe(manifest.volumes.reduce((a, v) => a + v.sliceIndices.length, 0));
    for (const x of train.data) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    // The stats undo the normalisation back to modality units.
    const v0 = manifest.volumes.find((v) => v.split === 'train')!;
    const back = denormalize(train.data.subarray(v0.offset * 1024, (v0.offset + 1) * 1024), v0.stats[0]!);
    expect(Math.max(...back)).toBeLessThanOrEqual(v0.stats[0]!.high + 1e-3);
  });
  it('a second run does nothing; a changed option rebuilds', () => {
    const t = statSync(join(cache, 'datasets', 'test-small', 'train.f32')).mtimeMs;
    expect(buildOpenDataset(opts).built).toBe(false);
    expect(statSync(join(cache, 'datasets', 'test-small', 'train.f32')).mtimeMs).toBe(t);
    expect(buildOpenDataset({ ...opts, maxSlices: 5 }).built).toBe(true);
  });
  it('a damaged split file is detected on reading', () => {
    const f = join(cache, 'datasets', 'test-small', 'train.f32');
    const b = readFileSync(f);
    b[10] = b[10]! ^ 0xff;
    writeFileSync(f, b);
    expect(() => readDataset(join(cache, 'datasets', 'test-small'), 'train')).toThrow(/sha256/);
  });
  it('an unknown source id names the known ones', () => {
    expect(() => buildOpenDataset({ cacheDir: cache, sources: ['nope'] })).toThrow(/colin27-t1/);
  });
});
