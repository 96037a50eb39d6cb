import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (Pascanu et al.
 * 2013). Returns new gradients and the norm before clipping, both on the device.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { grads: grads.map((g) => tf.mul(g, scale)), norm };
  });
}

/**
 * sqrt(sum of squares) over all gradients. Summed pairwise rather than with tf.addN: on WebGPU,
 * addN over more than 8 tensors exceeds the storage buffers a shader may bind and returns 0.
 */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(grads.reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.scalar(0))) as tf.Scalar);
}
