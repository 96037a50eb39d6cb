import * as tf from '@tensorflow/tfjs-core';

/** `x` sliced along `axis` to `[start, start + length)`, all other axes whole. */
export function sliceAxis(x: tf.Tensor, axis: number, start: number, length: number): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const size = x.shape.map((s, i) => (i === axis ? length : s));
  return tf.slice(x, begin, size);
}

/** Crops `border` pixels from both ends of every axis but the first (the batch). */
export function cropBorder(x: tf.Tensor, border: number): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === 0 ? 0 : border));
  const size = x.shape.map((s, i) => (i === 0 ? s : s - 2 * border));
  return tf.slice(x, begin, size);
}

/**
 * 2x average pooling along every axis but the first, dropping a trailing odd
 * row/column/slice (as in Wang et al.'s MS-SSIM, a 2x2 mean filter then
 * decimation). Done axis by axis with rank <= 4 reshapes, which every backend supports.
 */
export function downsample2(x: tf.Tensor): tf.Tensor {
  let y = x;
  for (let axis = 1; axis < x.shape.length; axis++) {
    const n = y.shape[axis] as number;
    const half = Math.floor(n / 2);
    if (half * 2 !== n) y = sliceAxis(y, axis, 0, half * 2);
    const pre = y.shape.slice(0, axis).reduce((p, s) => p * s, 1);
    const post = y.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
    const pooled = tf.mean(tf.reshape(y, [pre, half, 2, post]), 2);
    y = tf.reshape(pooled, y.shape.map((s, i) => (i === axis ? half : s)));
  }
  return y;
}

/** Symmetric padding of 1 on every axis but the first (`scipy.ndimage` mode 'reflect'). */
export function padSymmetric1(x: tf.Tensor): tf.Tensor {
  let y = x;
  for (let axis = 1; axis < x.shape.length; axis++) {
    const n = y.shape[axis] as number;
    y = tf.concat([sliceAxis(y, axis, 0, 1), y, sliceAxis(y, axis, n - 1, 1)], axis);
  }
  return y;
}
