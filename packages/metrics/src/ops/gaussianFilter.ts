import * as tf from '@tensorflow/tfjs-core';

/**
 * Normalised 1-D Gaussian taps for radius `radius` (2 * radius + 1 taps), as
 * scipy.ndimage builds them: exp(-x^2 / (2 sigma^2)) divided by their sum.
 */
export function gaussianTaps(sigma: number, radius: number): Float32Array {
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    taps[i + radius] = v;
    sum += v;
  }
  return Float32Array.from(taps, (v) => v / sum);
}

/**
 * Separable filter over every axis but the first of `x` (`[M, H, W]` or
 * `[M, D, H, W]`), 'valid' mode: each output pixel sees only real pixels, so
 * the result loses `taps.length - 1` along each spatial axis. Built from conv2d
 * alone (a 3-D pass folds the two in-plane axes into one), which every tfjs
 * backend implements.
 */
export function separableFilterValid(x: tf.Tensor, taps: Float32Array): tf.Tensor {
  const k = taps.length;
  const vertical = tf.tensor4d(taps, [k, 1, 1, 1]);
  const horizontal = tf.tensor4d(taps, [1, k, 1, 1]);
  const conv = (t: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D => tf.conv2d(t, kernel, 1, 'valid');
  if (x.shape.length === 3) {
    const [m, h, w] = x.shape as [number, number, number];
    const y = conv(conv(tf.reshape(x, [m, h, w, 1]), vertical), horizontal);
    return tf.reshape(y, [m, h - k + 1, w - k + 1]);
  }
  const [m, d, h, w] = x.shape as [number, number, number, number];
  // Depth: treat (H*W) as the width of a 2-D image whose rows are slices.
  const alongDepth = conv(tf.reshape(x, [m, d, h * w, 1]), vertical);
  const d2 = d - k + 1;
  const inPlane = conv(conv(tf.reshape(alongDepth, [m * d2, h, w, 1]), vertical), horizontal);
  return tf.reshape(inPlane, [m, d2, h - k + 1, w - k + 1]);
}
