import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readDicom } from '../dicom/readDicom.js';
import { writeDicomSeries } from '../dicom/writeDicom.js';
import { ImagingError } from '../errors.js';
import { readNifti } from '../nifti/readNifti.js';
import { pydicomBytes } from '../testing/openData.js';
import { applyMutation, mutationArb } from './mutations.js';

// Damaged real files must end in a typed error or a valid result: never another exception, a hang
// or an allocation beyond the reader's limits. Fixed seed and bounded runs, so CI repeats them.
const RUNS = { seed: 19, numRuns: 300 } as const;
// Small limits: a mutated header that got past them would show up as a large allocation.
const LIMITS = { maxDimension: 512, maxVoxels: 64 * 1024, maxBytes: 1024 * 1024 };

const nii = new Uint8Array(readFileSync(new URL('../nifti/__fixtures__/colin-crop-qform.nii', import.meta.url)));
const niiGz = new Uint8Array(readFileSync(new URL('../nifti/__fixtures__/colin-crop-nifti2.nii.gz', import.meta.url)));

function checkNifti(bytes: Uint8Array): void {
  try {
    const { volume } = readNifti(bytes, { file: 'fuzz.nii', limits: LIMITS, volumeIndex: 0 });
    const [d, r, c] = volume.shape;
    expect(volume.data.length).toBe(d * r * c);
    expect(volume.data.length).toBeLessThanOrEqual(LIMITS.maxVoxels);
    for (const v of volume.data) if (!Number.isFinite(v)) throw new Error('non-finite voxel returned');
    for (const s of volume.geometry.spacing) expect(s).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof ImagingError)) throw e;
    expect(e.message).toMatch(/^fuzz\.nii: |^readNifti: /);
  }
}

describe('fuzz: readNifti', () => {
  it('damaged .nii files give a typed error or a valid volume', () => {
    fc.assert(fc.property(mutationArb(nii.length, 352), (m) => checkNifti(applyMutation(nii, m))), RUNS);
  });

  it('damaged .nii.gz files: the gzip stream itself', () => {
    fc.assert(fc.property(mutationArb(niiGz.length, 64), (m) => checkNifti(applyMutation(niiGz, m))), RUNS);
  });

  it('damaged .nii.gz files: the NIfTI-2 header and voxels inside a valid gzip stream', () => {
    const inflated = gunzipSync(niiGz);
    fc.assert(fc.property(mutationArb(inflated.length, 544), (m) => checkNifti(gzipSync(applyMutation(inflated, m)))), RUNS);
  });
});

describe('fuzz: readDicom', () => {
  const { files } = writeDicomSeries(
    { data: new Float32Array(2 * 12 * 10).map((_, i) => (i * 37) % 500), shape: [2, 12, 10], geometry: { spacing: [0.7, 0.7, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, modality: 'MR', source: { format: 'array', files: [] } },
    { sopClass: 'MR', patient: { name: 'Fuzz^Case', id: 'FUZZ' }, study: {}, series: {} },
  );
  const dcm = files[0]!;

  for (const name of ['MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm']) {
    it(`damaged compressed files (${name}) give a typed error or a valid image`, async () => {
      const bytes = pydicomBytes(name);
      await fc.assert(
        fc.asyncProperty(mutationArb(bytes.length, 2000), async (m) => {
          try {
            const volume = await readDicom(applyMutation(bytes, m), { file: 'fuzz.dcm', limits: { maxVoxels: 1 << 20 } });
            expect(volume.data.length).toBe(volume.shape[0] * volume.shape[1] * volume.shape[2]);
          } catch (e) {
            if (!(e instanceof ImagingError)) throw e;
          }
        }),
        RUNS,
      );
    });
  }

  it('damaged Part-10 files give a typed error or a valid image', async () => {
    await fc.assert(
      fc.asyncProperty(mutationArb(dcm.length, 600), async (m) => {
        try {
          const volume = await readDicom(applyMutation(dcm, m), { file: 'fuzz.dcm' });
          const [d, r, c] = volume.shape;
          expect(volume.data.length).toBe(d * r * c);
          for (const v of volume.data) if (!Number.isFinite(v)) throw new Error('non-finite value returned');
        } catch (e) {
          if (!(e instanceof ImagingError)) throw e;
        }
      }),
      RUNS,
    );
  });
});
