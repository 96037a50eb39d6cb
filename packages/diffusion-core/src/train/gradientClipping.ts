import * as tf from '@tensorflow/tfjs-core';

/**
 * Scales all gradients together so their global L2 norm is at most `maxNorm` (Pascanu et al.
 * 2013). Returns new gradients and the norm before clipping, both on the device.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { grads: grads.map((g) => tf.mul(g, scale)), norm };
  });
}
