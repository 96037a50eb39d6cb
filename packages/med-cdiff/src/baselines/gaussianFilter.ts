import { InvalidInputError } from '../errors';
import { reflectIndex } from './reflectIndex';

/** Normalised 1-D Gaussian taps out to int(truncate * sigma + 0.5) pixels each side (scipy's radius). */
function gaussianTaps(sigma: number, truncate: number): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const taps = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-0.5 * ((i - radius) / sigma) ** 2));
  const sum = taps.reduce((a, v) => a + v, 0);
  return taps.map((v) => v / sum);
}

/**
 * Separable Gaussian smoothing with standard deviation `sigma` pixels, the linear denoiser for
 * Gaussian noise. Equals scipy.ndimage.gaussian_filter(image, sigma, mode='reflect', truncate=4).
 */
export function gaussianFilter(image: ArrayLike<number>, rows: number, cols: number, sigma: number, truncate = 4): Float32Array {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InvalidInputError(`gaussianFilter: sigma must be a positive number of pixels, got ${sigma}.`);
  if (image.length !== rows * cols) throw new InvalidInputError(`gaussianFilter: ${image.length} values are not ${rows} x ${cols}.`);
  const taps = gaussianTaps(sigma, truncate);
  const radius = (taps.length - 1) / 2;
  const tmp = new Float64Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let s = 0;
      for (let t = 0; t < taps.length; t++) s += taps[t]! * image[y * cols + reflectIndex(x + t - radius, cols)]!;
      tmp[y * cols + x] = s;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let s = 0;
      for (let t = 0; t < taps.length; t++) s += taps[t]! * tmp[reflectIndex(y + t - radius, rows) * cols + x]!;
      out[y * cols + x] = s;
    }
  }
  return out;
}

/** The sigmas `chooseGaussianSigma` tries by default, in pixels. */
export const GAUSSIAN_SIGMA_CANDIDATES: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/**
 * The sigma (from `candidates`) whose Gaussian filter gives the lowest mean squared error over
 * held-out (noisy, clean) pairs: the baseline's one parameter, tuned on data the scores never see.
 */
export function chooseGaussianSigma(pairs: ReadonlyArray<{ noisy: ArrayLike<number>; clean: ArrayLike<number>; rows: number; cols: number }>, candidates: readonly number[] = GAUSSIAN_SIGMA_CANDIDATES): { sigma: number; mse: number } {
  if (!pairs.length || !candidates.length) throw new InvalidInputError('chooseGaussianSigma: needs at least one pair and one candidate sigma.');
  let best = { sigma: Number.NaN, mse: Number.POSITIVE_INFINITY };
  for (const sigma of candidates) {
    let sum = 0;
    let n = 0;
    for (const p of pairs) {
      const out = gaussianFilter(p.noisy, p.rows, p.cols, sigma);
      for (let i = 0; i < out.length; i++) sum += (out[i]! - p.clean[i]!) ** 2;
      n += out.length;
    }
    if (sum / n < best.mse) best = { sigma, mse: sum / n };
  }
  return best;
}
