import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@meddiff/diffusion-core';

/** Added to the variance so a constant vector gives zeros rather than NaN. */
export const STANDARDIZE_EPSILON = 1e-5;

/**
 * The representation vector from a bottleneck feature map (B, h, w, D): the average over the
 * spatial axes, then standardised per sample (zero mean and unit standard deviation over its D
 * values), as the authors' MRM does before the MDN models it.
 */
export function poolAndStandardize(featureMap: tf.Tensor4D): tf.Tensor2D {
  if (featureMap.rank !== 4) throw new ShapeError(`poolAndStandardize: expected a feature map of rank 4 (B, h, w, D), got rank ${featureMap.rank}.`);
  return tf.tidy(() => standardizeRows(tf.mean(featureMap, [1, 2]) as tf.Tensor2D));
}

/** Each row to zero mean and unit standard deviation. */
export function standardizeRows(x: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2) throw new ShapeError(`standardizeRows: expected rank 2 (B, D), got rank ${x.rank}.`);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 1, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, STANDARDIZE_EPSILON))) as tf.Tensor2D;
  });
}

/**
 * Standardises each of the `groups` consecutive blocks of a row on its own: a concatenation of
 * per-contrast vectors (B, groups x D) keeps each contrast's vector standardised.
 */
export function standardizeGroups(x: tf.Tensor2D, groups: number): tf.Tensor2D {
  const [b, n] = x.shape;
  if (n % groups !== 0) throw new ShapeError(`standardizeGroups: ${n} values do not split into ${groups} equal groups.`);
  return tf.tidy(() => tf.reshape(standardizeRows(tf.reshape(x, [b * groups, n / groups]) as tf.Tensor2D), [b, n]) as tf.Tensor2D);
}
