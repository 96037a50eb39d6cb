import { ShapeMismatchError } from '../errors';
import { traceSqrtProduct } from '../linalg/traceSqrtProduct';
import type { FeatureStatistics } from './featureStatistics';

/**
 * Fréchet distance between two Gaussians N(mu1, S1) and N(mu2, S2):
 * |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)) (Dowson and Landau 1982; used
 * as FID by Heusel et al. 2017). Float64 throughout; O(d^3), see
 * `traceSqrtProduct`.
 */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dim !== b.dim) {
    throw new ShapeMismatchError(
      `frechetDistance: the statistics have ${a.dim} and ${b.dim} dimensions; use features from the same extractor layer.`,
    );
  }
  const d = a.dim;
  let meanTerm = 0;
  let traceTerm = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += ((a.mean[i] as number) - (b.mean[i] as number)) ** 2;
    traceTerm += (a.covariance[i * d + i] as number) + (b.covariance[i * d + i] as number);
  }
  return meanTerm + traceTerm - 2 * traceSqrtProduct(a.covariance, b.covariance, d);
}
