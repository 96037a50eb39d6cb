import { InvalidOptionError, InvalidShapeError, ShapeMismatchError } from '../errors';
import { checkPositiveInteger } from '../input/optionChecks';
import { dot } from '../linalg/dot';
import { toFeatures, type FeatureInput, type Features } from './featureMatrix';
import { sampleWithoutReplacement, seededRandom } from './seededRandom';

export interface KidOptions {
  /** Number of random subsets averaged (default 100, as Bińkowski et al.'s code). */
  readonly subsets?: number;
  /**
   * Vectors drawn from each set per subset, without replacement; capped at the
   * smaller set (default 1000). When it covers both sets whole, every subset
   * gives the same value, which is computed once (std 0).
   */
  readonly subsetSize?: number;
  /** Seed of the subset sampling (default 0). */
  readonly seed?: number;
}

export interface KidResult {
  /** Mean of the per-subset unbiased MMD^2 estimates: the KID. */
  readonly mean: number;
  /** Standard deviation (population, ddof 0) of the per-subset estimates. */
  readonly std: number;
  readonly subsetValues: readonly number[];
}

/** Cubic polynomial kernel k(x, y) = (x . y / d + 1)^3, KID's kernel (Bińkowski et al. 2018). */
function kernel(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  const v = dot(a, i * d, b, j * d, d) / d + 1;
  return v * v * v;
}

function gather(f: Features, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * f.d);
  rows.forEach((r, i) => out.set(f.data.subarray(r * f.d, (r + 1) * f.d), i * f.d));
  return out;
}

/**
 * Unbiased MMD^2 between two equal-size samples (Gretton et al., JMLR 2012):
 * sum_{i != j} k(x_i, x_j) / (m (m - 1)) + the same for y - 2 sum_{i, j} k(x_i, y_j) / m^2.
 */
export function unbiasedMmd2(x: Float64Array, y: Float64Array, m: number, d: number): number {
  let kxx = 0;
  let kyy = 0;
  let kxy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      kxx += kernel(x, i, x, j, d);
      kyy += kernel(y, i, y, j, d);
    }
    for (let j = 0; j < m; j++) kxy += kernel(x, i, y, j, d);
  }
  return (2 * kxx + 2 * kyy) / (m * (m - 1)) - (2 * kxy) / (m * m);
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018): the unbiased MMD^2 with
 * the cubic polynomial kernel, averaged over random subsets. Unbiased, so it
 * can be negative for close distributions. Features must come from the same extractor.
 */
export async function kid(a: FeatureInput, b: FeatureInput, options: KidOptions = {}): Promise<KidResult> {
  const fn = 'kid';
  const subsets = checkPositiveInteger(fn, 'subsets', options.subsets ?? 100);
  const subsetSize = checkPositiveInteger(fn, 'subsetSize', options.subsetSize ?? 1000, 2);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidOptionError(`${fn}: seed must be an integer, got ${String(seed)}.`);
  const fa = await toFeatures(fn, 'a', a);
  const fb = await toFeatures(fn, 'b', b);
  if (fa.d !== fb.d) {
    throw new ShapeMismatchError(`${fn}: the feature sets have ${fa.d} and ${fb.d} dimensions; use the same extractor layer.`);
  }
  const m = Math.min(subsetSize, fa.n, fb.n);
  if (m < 2) {
    throw new InvalidShapeError(`${fn}: the unbiased estimate needs at least 2 vectors per set, got ${fa.n} and ${fb.n}.`);
  }
  const random = seededRandom(seed);
  const values: number[] = [];
  if (m === fa.n && m === fb.n) {
    // Every subset is a whole set, and the U-statistic does not depend on order: one value, `subsets` times.
    const value = unbiasedMmd2(fa.data, fb.data, m, fa.d);
    return Object.freeze({ mean: value, std: 0, subsetValues: Object.freeze(new Array<number>(subsets).fill(value)) });
  }
  for (let s = 0; s < subsets; s++) {
    const x = gather(fa, sampleWithoutReplacement(fa.n, m, random));
    const y = gather(fb, sampleWithoutReplacement(fb.n, m, random));
    values.push(unbiasedMmd2(x, y, m, fa.d));
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return Object.freeze({ mean, std, subsetValues: Object.freeze(values) });
}
