import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchCache } from '../testing/openData.js';
import { MissingDataError } from '../errors.js';
import { SPLIT_NAMES } from '../dataset/manifest.js';
import { buildCorpusDataset } from './buildCorpus.js';
import { readDataset, writeDataset } from './writeDataset.js';

const cache = scratchCache();
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('buildCorpusDataset (small sources, 32 px)', () => {
  // A 2-D PNG, two MetaImage slices of one rat, a DICOM CT and MR, and a 3-D NIfTI cut in three planes.
  const opts = {
    cacheDir: cache,
    name: 'test-corpus',
    size: 32,
    maxSlicesPerPlane: 4,
    sources: ['brainweb-t1-slice', 'itk-rat-lung-1', 'itk-rat-lung-2', 'nema-ct1', 'nema-mr1', 'dipy-aniso-t1'],
    split: { val: ['itk-rat-lung'], test: ['dipy-aniso', 'nema-mr1'] },
  };
  it('writes train, val and test by subject, every plane of a volume as its own entry', async () => {
    const { manifest, built, dir } = await buildCorpusDataset(opts);
    expect(built).toBe(true);
    expect(Object.keys(manifest.splits)).toEqual([...SPLIT_NAMES]);
    const splitOf = new Map(manifest.subjects.map((s) => [s.id, s.split]));
    expect(Object.fromEntries(splitOf)).toEqual({ colin27: 'train', 'nema-ct1': 'train', 'itk-rat-lung': 'val', 'dipy-aniso': 'test', 'nema-mr1': 'test' });
    for (const v of manifest.volumes) expect(splitOf.get(v.subject)).toBe(v.split);
    expect(manifest.volumes.filter((v) => v.id === 'dipy-aniso-t1').map((v) => [v.plane, v.sliceIndices.length])).toEqual([['axial', 4], ['coronal', 4], ['sagittal', 4]]);
    expect(manifest.volumes.find((v) => v.id === 'itk-rat-lung-2')).toMatchObject({ plane: 'coronal', sliceIndices: [0], split: 'val' });
    for (const split of SPLIT_NAMES) {
      const { data, shape } = readDataset(dir, split);
      const vols = manifest.volumes.filter((v) => v.split === split);
      // Entries tile the split file: offsets in order, no gaps.
      let next = 0;
      for (const v of vols) {
        expect(v.offset).toBe(next);
        next += v.sliceIndices.length;
      }
      expect(shape).toEqual([next, 1, 32, 32]);
      for (const x of data) expect(Math.abs(x)).toBeLessThanOrEqual(1);
      const counted = Object.values(manifest.sliceCounts?.[split] ?? {}).flatMap((m) => Object.values(m));
      expect(counted.reduce((a, b) => a + b, 0)).toBe(next);
    }
    expect(manifest.sliceCounts?.test?.axial).toEqual({ MR: 5 });
    for (const v of manifest.volumes) expect(v.provenance[0]!.licence).toMatch(/Apache|BSD|Expat/);
  });
  it('a second run reads nothing and writes nothing; a changed plan rebuilds', async () => {
    const f = join(cache, 'datasets', 'test-corpus', 'test.f32');
    const t = statSync(f).mtimeMs;
    expect((await buildCorpusDataset(opts)).built).toBe(false);
    expect(statSync(f).mtimeMs).toBe(t);
    const moved = await buildCorpusDataset({ ...opts, split: { val: ['itk-rat-lung', 'nema-mr1'], test: ['dipy-aniso'] } });
    expect(moved.built).toBe(true);
    expect(moved.manifest.subjects.find((s) => s.id === 'nema-mr1')!.split).toBe('val');
  });
  it('without a plan, the corpus plan applies to the subjects present', async () => {
    const { manifest } = await buildCorpusDataset({ cacheDir: cache, name: 'test-corpus-default', size: 32, sources: ['nema-ct1', 'nema-mr1'] });
    expect(manifest.subjects).toEqual([
      { id: 'nema-ct1', split: 'train' },
      { id: 'nema-mr1', split: 'test' },
    ]);
    expect(manifest.splits.val!.count).toBe(0);
  });
  it('a plan naming an absent subject is refused before anything is read', async () => {
    await expect(buildCorpusDataset({ ...opts, name: 'x', split: { val: ['nobody'], test: [] } })).rejects.toThrow(/nobody that no source has/);
  });
});

describe('readDataset and the optional test split', () => {
  it('a dataset without a test split says so and where one is', () => {
    const dir = join(cache, 'datasets', 'two-way');
    const vol = { data: new Float32Array(4 * 16 * 16).fill(1).map((x, i) => (i % 16 < 3 ? 0 : x)), shape: [4, 16, 16] as const, geometry: { spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const }, source: { format: 'array' as const, files: [] } };
    const group = (id: string) => ({ id, subject: id, modality: 'MR', channelNames: ['image'], load: () => [vol], provenance: [] });
    writeDataset([group('a'), group('b')], { name: 'two-way', outDir: dir, size: 16, valFraction: 0.5 });
    expect(readDataset(dir, 'val').shape[0]).toBeGreaterThan(0);
    expect(() => readDataset(dir, 'test')).toThrow(MissingDataError);
    expect(() => readDataset(dir, 'test')).toThrow(/has the splits train, val; a test split is in the corpus datasets/);
  });
});
