import { describe, expect, it } from 'vitest';
import { CACHE_DIR } from '../testing/openData.js';
import { OPEN_SOURCES } from '../dataset/openSources.js';
import { loadOpenSource, loadOpenSourceAsync, openSourceById } from './loadOpenSource.js';

// The corpus's sources beyond the default dataset's (those are read by the older tests): every format.
const added = OPEN_SOURCES.filter((s) => s.inCorpus && !s.inDefaultDataset);
const expected: Record<string, readonly [number, number, number]> = {
  'brainweb-t1-slice': [1, 217, 181],
  'brainweb-pd-slice': [1, 217, 181],
  'brainweb-pd-3slices': [3, 217, 181],
  'itk-midsagittal': [1, 180, 217],
  'itk-fat-mri': [1, 256, 256],
  'itk-rat-lung-1': [1, 128, 128],
  'itk-rat-lung-2': [1, 128, 128],
  'itk-kmeans-t1': [62, 128, 128],
  'nibabel-anatomical': [25, 41, 33],
  'nibabel-example4d': [24, 96, 128],
  'dipy-aniso-t1': [24, 58, 58],
  'dipy-t1-coronal': [1, 256, 256],
  'mpl-s1045': [1, 256, 256],
  'nema-mr1': [1, 64, 64],
  'nema-ct1': [1, 128, 128],
  'cq500-ct-310': [1, 512, 512],
  'nema-nm1': [1, 1024, 256],
};

describe('every source the corpus adds reads, in each of its formats', () => {
  it('lists a shape for each added source (a new one needs its line here)', () => {
    expect(added.map((s) => s.id).sort()).toEqual(Object.keys(expected).sort());
    expect(new Set(added.map((s) => s.format))).toEqual(new Set(['png', 'metaimage', 'nifti', 'npy', 'raw', 'dicom']));
  });
  for (const source of added) {
    it(`${source.id} (${source.format}): ${expected[source.id]?.join('x')}, ${source.modality}, finite, with provenance`, async () => {
      const { volume, provenance } = await loadOpenSourceAsync(source, CACHE_DIR);
      expect(volume.shape).toEqual(expected[source.id]);
      expect(volume.modality).toBe(source.modality);
      expect(volume.data.every(Number.isFinite)).toBe(true);
      let min = Infinity;
      let max = -Infinity;
      for (const x of volume.data) [min, max] = [Math.min(min, x), Math.max(max, x)];
      expect(max).toBeGreaterThan(min);
      expect(provenance).toMatchObject({ kind: 'debian', package: source.debianPackage, file: source.path });
      expect(provenance.version).toMatch(/\d/);
      if (volume.shape[0] > 1) expect(source.plane).toBeUndefined();
    });
  }
  it('CT in HU: the thorax slice spans air to bone', async () => {
    const { volume } = await loadOpenSourceAsync(openSourceById('nema-ct1'), CACHE_DIR);
    expect([Math.min(...volume.data), Math.max(...volume.data)]).toEqual([-896, 1167]);
  });
  it('the synchronous reader reads every format but DICOM, and says what to use for DICOM', () => {
    expect(loadOpenSource(openSourceById('mpl-s1045'), CACHE_DIR).volume.shape).toEqual([1, 256, 256]);
    expect(() => loadOpenSource(openSourceById('nema-ct1'), CACHE_DIR)).toThrow(/use loadOpenSourceAsync/);
  });
});
