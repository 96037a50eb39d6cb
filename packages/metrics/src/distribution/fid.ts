import type { FeatureInput } from './featureMatrix';
import { featureStatistics, type FeatureStatistics } from './featureStatistics';
import { frechetDistance } from './frechetDistance';

function isStatistics(x: unknown): x is FeatureStatistics {
  return typeof x === 'object' && x !== null && 'covariance' in x && 'mean' in x;
}

/**
 * Fréchet Inception Distance (Heusel et al. 2017): the Fréchet distance between
 * Gaussians fitted to two feature sets. Pass features from the same extractor
 * (see `extractFeatures`), or precomputed `featureStatistics` for either side.
 * The number is only comparable with others computed with the same extractor
 * and preprocessing; with the reference Inception-v3 pool3 features it is the FID of the literature.
 */
export async function fid(
  a: FeatureInput | FeatureStatistics,
  b: FeatureInput | FeatureStatistics,
): Promise<number> {
  const sa = isStatistics(a) ? a : await featureStatistics(a);
  const sb = isStatistics(b) ? b : await featureStatistics(b);
  return frechetDistance(sa, sb);
}
