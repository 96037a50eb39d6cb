import { resize2d } from '@meddiff/imaging';
import { DEFAULT_DEGRADATION, gaussianAndSaltPepper, seededRandom } from '@meddiff/med-cdiff';
import type { TaskImage } from '../model/taskTypes.js';
import { ReaderStudyConfigError } from './studyErrors.js';
import { factorOf, type ReaderTaskName } from './studyTypes.js';

/** The denoising trial's noise, in the [-1, 1] scale of Med-cDiff's degradation: the middle of its training range. */
export const READER_NOISE = Object.freeze({ sigma: (DEFAULT_DEGRADATION.gaussianSigma[0] + DEFAULT_DEGRADATION.gaussianSigma[1]) / 2, saltPepper: 0.01 });

/** A trial's two inputs: the real slice as shown, and the degraded copy the model restores to that grid. */
export interface TrialInputs {
  real: TaskImage;
  degraded: TaskImage;
}

/**
 * Degrades a real slice as Med-cDiff was trained to undo, so the model's output lands on the real
 * slice's grid: super-resolution takes the slice downsampled by the factor with area averaging
 * (the first half of med-cdiff's downsampleThenUpsample; a slice whose size is not a multiple of
 * the factor is cropped to one); denoising adds med-cdiff's Gaussian and salt-and-pepper noise in
 * the slice's [-1, 1] range. Seeded: the same trial gets the same noise.
 */
export function degradeSlice(task: ReaderTaskName, slice: TaskImage, seed: number): TrialInputs {
  const f = factorOf(task);
  if (f) {
    const rows = slice.rows - (slice.rows % f);
    const columns = slice.columns - (slice.columns % f);
    if (rows < f || columns < f) throw new ReaderStudyConfigError(`A ${slice.rows} x ${slice.columns} slice is too small for super-resolution x${f}.`);
    const real = crop(slice, rows, columns);
    return { real, degraded: { pixels: resize2d(real.pixels, rows, columns, rows / f, columns / f, 'area'), rows: rows / f, columns: columns / f } };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of slice.pixels) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (!(hi > lo)) throw new ReaderStudyConfigError('A uniform slice cannot be a denoising trial.');
  const scaled = slice.pixels.map((v) => (2 * (v - lo)) / (hi - lo) - 1);
  const noisy = gaussianAndSaltPepper(scaled, READER_NOISE.sigma, READER_NOISE.saltPepper, seededRandom(seed));
  return { real: slice, degraded: { pixels: noisy.map((v) => lo + ((v + 1) / 2) * (hi - lo)), rows: slice.rows, columns: slice.columns } };
}

function crop(s: TaskImage, rows: number, columns: number): TaskImage {
  if (rows === s.rows && columns === s.columns) return s;
  const pixels = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) pixels.set(s.pixels.subarray(r * s.columns, r * s.columns + columns), r * columns);
  return { pixels, rows, columns };
}
