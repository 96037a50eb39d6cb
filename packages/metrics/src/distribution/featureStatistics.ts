import { InvalidShapeError } from '../errors';
import { dot } from '../linalg/dot';
import { toFeatures, type FeatureInput } from './featureMatrix';

/**
 * Mean and covariance of a feature set: what FID compares, and what a reference
 * set can be reduced to once and stored (as pytorch-fid's .npz files).
 */
export interface FeatureStatistics {
  readonly dim: number;
  readonly count: number;
  /** Mean vector, length dim. */
  readonly mean: Float64Array;
  /** Unbiased covariance (divides by count - 1), row-major dim x dim. */
  readonly covariance: Float64Array;
}

/** Mean and unbiased covariance (as numpy.cov) of n >= 2 feature vectors, in float64. */
export async function featureStatistics(features: FeatureInput): Promise<FeatureStatistics> {
  const fn = 'featureStatistics';
  const { data, n, d } = await toFeatures(fn, 'features', features);
  if (n < 2) {
    throw new InvalidShapeError(`${fn}: a covariance needs at least 2 feature vectors, got ${n}.`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (data[i * d + k] as number);
  for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) / n;
  // Centred features stored feature-major (d rows of n), so each covariance entry is one contiguous dot product.
  const centred = new Float64Array(d * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) centred[k * n + i] = (data[i * d + k] as number) - (mean[k] as number);
  }
  const covariance = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = dot(centred, a * n, centred, b * n, n) / (n - 1);
      covariance[a * d + b] = v;
      covariance[b * d + a] = v;
    }
  }
  return Object.freeze({ dim: d, count: n, mean, covariance });
}
