import * as tf from '@tensorflow/tfjs-core';

/** The fused kernel's name (registered on wasm by registerWasmGradientKernels, with its gradient). */
const FUSED_KERNEL = 'MedDiffAttention';

/**
 * Multi-head scaled dot-product attention, softmax(q k^T / sqrt(d)) v per head (Vaswani et al.
 * 2017, eq. 1), over qkv [batch, tokens, 3C]: the query, key and value projections side by side,
 * each C = heads x d channels. Returns [batch, tokens, C]. On a backend with the fused kernel
 * (wasm) the N x N scores exist one head at a time and are recomputed for the gradient; elsewhere
 * it is composed of tfjs ops.
 */
export function multiHeadAttention(qkv: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [b, n, c3] = qkv.shape;
  const d = c3 / 3 / heads;
  const scale = 1 / Math.sqrt(d);
  if (tf.getKernel(FUSED_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(FUSED_KERNEL, { qkv }, { heads, scale }) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    // (B, N, 3, heads, d) -> three (B, heads, N, d)
    const [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [b, n, 3, heads, d]), [2, 0, 3, 1, 4]), 0);
    const attended = tf.matMul(tf.softmax(tf.matMul(tf.mul(q!, scale), k!, false, true)), v!);
    return tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b, n, heads * d]);
  });
}
