import { InvalidInputError } from '../errors';
import { reflectIndex } from './reflectIndex';

export interface NonLocalMeansOptions {
  /** Filtering strength, in image units: patches closer than about h (root mean square) weigh most. */
  h: number;
  /** Patches are (2 patchRadius + 1)^2 pixels; default 2 (5 x 5). */
  patchRadius?: number;
  /** Candidates come from a (2 searchRadius + 1)^2 window; default 5 (11 x 11). */
  searchRadius?: number;
  /** The noise's standard deviation; patch distances within 2 sigma^2 count as equal. Default: estimated (Immerkaer 1996). */
  sigma?: number;
}

/**
 * Immerkaer's (1996) estimate of additive Gaussian noise: the image filtered with the difference of
 * two Laplacians, which cancels smooth structure, then sqrt(pi / 2) times its mean absolute value.
 */
export function estimateNoiseSigma(image: ArrayLike<number>, rows: number, cols: number): number {
  let sum = 0;
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1; x < cols - 1; x++) {
      const v = (k: number, j: number) => image[(y + k) * cols + x + j]!;
      sum += Math.abs(v(-1, -1) - 2 * v(-1, 0) + v(-1, 1) - 2 * v(0, -1) + 4 * v(0, 0) - 2 * v(0, 1) + v(1, -1) - 2 * v(1, 0) + v(1, 1));
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * Math.max(1, (rows - 2) * (cols - 2)));
}

/**
 * Non-local means (Buades, Coll and Morel 2005): each pixel becomes the weighted mean of the pixels
 * in its search window, weighted by exp(-max(d^2 - 2 sigma^2, 0) / h^2), d^2 the mean squared
 * difference of the patches around them (patches that differ only by noise weigh fully). Computed
 * offset by offset with running box sums, O(pixels x window). Edges reflect.
 */
export function nonLocalMeans(image: ArrayLike<number>, rows: number, cols: number, o: NonLocalMeansOptions): Float32Array {
  if (image.length !== rows * cols) throw new InvalidInputError(`nonLocalMeans: ${image.length} values are not ${rows} x ${cols}.`);
  if (!(o.h > 0) || !Number.isFinite(o.h)) throw new InvalidInputError(`nonLocalMeans: h must be a positive number, got ${o.h}.`);
  const f = o.patchRadius ?? 2;
  const s = o.searchRadius ?? 5;
  const pad = f + s;
  const pr = rows + 2 * pad;
  const pc = cols + 2 * pad;
  const padded = new Float64Array(pr * pc);
  for (let y = 0; y < pr; y++) for (let x = 0; x < pc; x++) padded[y * pc + x] = image[reflectIndex(y - pad, rows) * cols + reflectIndex(x - pad, cols)]!;
  const weights = new Float64Array(rows * cols);
  const sums = new Float64Array(rows * cols);
  const sigma = o.sigma ?? estimateNoiseSigma(image, rows, cols);
  const n = (2 * f + 1) ** 2;
  const scale = 1 / (o.h * o.h * n);
  const allowance = 2 * sigma * sigma * n;
  // Squared differences over the rows the patches need, then their box sums along x and y.
  const er = rows + 2 * f;
  const ec = cols + 2 * f;
  const diff = new Float64Array(er * ec);
  const rowSum = new Float64Array(er * cols);
  for (let dy = -s; dy <= s; dy++) {
    for (let dx = -s; dx <= s; dx++) {
      for (let y = 0; y < er; y++) {
        const a = (y + s) * pc + s;
        const b = (y + s + dy) * pc + s + dx;
        for (let x = 0; x < ec; x++) diff[y * ec + x] = (padded[a + x]! - padded[b + x]!) ** 2;
      }
      for (let y = 0; y < er; y++) {
        let acc = 0;
        for (let x = 0; x < 2 * f + 1; x++) acc += diff[y * ec + x]!;
        rowSum[y * cols] = acc;
        for (let x = 1; x < cols; x++) {
          acc += diff[y * ec + x + 2 * f]! - diff[y * ec + x - 1]!;
          rowSum[y * cols + x] = acc;
        }
      }
      for (let x = 0; x < cols; x++) {
        let acc = 0;
        for (let y = 0; y < 2 * f + 1; y++) acc += rowSum[y * cols + x]!;
        for (let y = 0; y < rows; y++) {
          if (y > 0) acc += rowSum[(y + 2 * f) * cols + x]! - rowSum[(y - 1) * cols + x]!;
          const i = y * cols + x;
          const w = Math.exp(-Math.max(acc - allowance, 0) * scale);
          weights[i]! += w;
          sums[i]! += w * padded[(y + pad + dy) * pc + x + pad + dx]!;
        }
      }
    }
  }
  return Float32Array.from(sums, (v, i) => v / weights[i]!);
}

/** The strengths `chooseNonLocalMeansH` tries by default, in the [-1, 1] scale. */
export const NLM_H_CANDIDATES: readonly number[] = [0.01, 0.02, 0.04, 0.06, 0.08, 0.12, 0.16];

/** The h (from `candidates`) with the lowest mean squared error of `denoise` over held-out (noisy, clean) pairs. */
export function chooseNonLocalMeansH(
  pairs: ReadonlyArray<{ noisy: ArrayLike<number>; clean: ArrayLike<number>; rows: number; cols: number }>,
  prefilter: (noisy: ArrayLike<number>, rows: number, cols: number) => ArrayLike<number> = (x) => x,
  candidates: readonly number[] = NLM_H_CANDIDATES,
): { h: number; mse: number } {
  if (!pairs.length || !candidates.length) throw new InvalidInputError('chooseNonLocalMeansH: needs at least one pair and one candidate h.');
  const inputs = pairs.map((p) => prefilter(p.noisy, p.rows, p.cols));
  let best = { h: Number.NaN, mse: Number.POSITIVE_INFINITY };
  for (const h of candidates) {
    let sum = 0;
    let n = 0;
    pairs.forEach((p, k) => {
      const out = nonLocalMeans(inputs[k]!, p.rows, p.cols, { h });
      for (let i = 0; i < out.length; i++) sum += (out[i]! - p.clean[i]!) ** 2;
      n += out.length;
    });
    if (sum / n < best.mse) best = { h, mse: sum / n };
  }
  return best;
}
