import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-image sum over every axis but the first, in two stages (blocks of about
 * sqrt(P) pixels, then the block sums). Backends that accumulate in float32
 * one pixel at a time (wasm) lose about P * eps; two stages keep the error near
 * sqrt(P) * eps, which keeps large volumes within the golden tolerances.
 */
export function imageSum(x: tf.Tensor): tf.Tensor {
  const n = x.shape[0] as number;
  const size = x.size / n;
  const block = Math.max(1, Math.ceil(Math.sqrt(size)));
  const blocks = Math.ceil(size / block);
  let flat = tf.reshape(x, [n, size]);
  if (blocks * block !== size) flat = tf.pad(flat, [[0, 0], [0, blocks * block - size]]);
  return tf.sum(tf.sum(tf.reshape(flat, [n, blocks, block]), 2), 1);
}

/**
 * Per-image mean of `map` `[N, ...spatial]`, over all pixels or weighted by
 * `weight` `[N or 1, ...spatial]` (a 0/1 mask or fractional weights).
 * Returns `{ values: [N], support: [N or 1] }` where support is the weight sum.
 */
export function regionMean(map: tf.Tensor, weight: tf.Tensor | null): { values: tf.Tensor; support: tf.Tensor } {
  const n = map.shape[0] as number;
  if (!weight) {
    const size = map.size / n;
    return { values: tf.div(imageSum(map), size), support: tf.fill([n], size) };
  }
  const support = imageSum(weight);
  return { values: tf.div(imageSum(tf.mul(map, weight)), support), support };
}
