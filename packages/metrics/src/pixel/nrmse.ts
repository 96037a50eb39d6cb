import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RegionOptions } from '../input/metricOptions';
import { checkOneOf, checkSpatialDims } from '../input/optionChecks';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';

export const NRMSE_NORMALIZATIONS = ['euclidean', 'min-max', 'mean'] as const;
export type NrmseNormalization = (typeof NRMSE_NORMALIZATIONS)[number];

export interface NrmseOptions extends RegionOptions {
  /**
   * What RMSE is divided by, computed on the reference over the same region:
   * 'euclidean' (default) sqrt(mean(reference^2)), 'min-max' max - min, 'mean'
   * mean, as skimage.metrics.normalized_root_mse.
   */
  readonly normalization?: NrmseNormalization;
}

/** Normalised root mean squared error, RMSE / normaliser(reference). */
export async function nrmse(reference: ImageInput, test: ImageInput, options: NrmseOptions = {}): Promise<MetricResult> {
  const fn = 'nrmse';
  const normalization = checkOneOf(fn, 'normalization', options.normalization ?? 'euclidean', NRMSE_NORMALIZATIONS);
  return evaluatePerImage(
    {
      fn,
      spatialDims: checkSpatialDims(fn, options.spatialDims),
      images: [
        { name: 'reference', input: reference },
        { name: 'test', input: test },
      ],
      mask: options.mask,
    },
    ({ images: [r, t], mask }) => {
      const ref = r as tf.Tensor;
      const { values: meanSquared, support } = regionMean(tf.squaredDifference(ref, t as tf.Tensor), mask);
      return { values: tf.div(tf.sqrt(meanSquared), normaliser(ref, mask, normalization)), support };
    },
  );
}

function normaliser(ref: tf.Tensor, mask: tf.Tensor | null, normalization: NrmseNormalization): tf.Tensor {
  switch (normalization) {
    case 'euclidean':
      return tf.sqrt(regionMean(tf.square(ref), mask).values);
    case 'mean':
      return regionMean(ref, mask).values;
    case 'min-max': {
      const axes = ref.shape.slice(1).map((_, i) => i + 1);
      if (!mask) return tf.sub(tf.max(ref, axes), tf.min(ref, axes));
      const inside = tf.broadcastTo(tf.greater(mask, 0), ref.shape);
      const max = tf.max(tf.where(inside, ref, tf.fill(ref.shape, -Infinity)), axes);
      const min = tf.min(tf.where(inside, ref, tf.fill(ref.shape, Infinity)), axes);
      return tf.sub(max, min);
    }
  }
}
