import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';

/**
 * What to do with the predicted clean sample before it is used in a step.
 * - `clip`: clamp to the data range (DDPM's usual choice for images in [-1, 1]).
 * - `dynamic`: Saharia et al. 2022 (Imagen), sec. 2.3: per sample, s = the `percentile` of |x0|,
 *   at least 1 and at most `maxThreshold`; clamp to [-s, s] and divide by s.
 */
export type X0Processing =
  | { kind: 'none' }
  | { kind: 'clip'; min: number; max: number }
  | { kind: 'dynamic'; percentile: number; maxThreshold: number };

export const CLIP_TO_UNIT_RANGE: X0Processing = Object.freeze({ kind: 'clip', min: -1, max: 1 });

export function validateX0Processing(p: X0Processing): void {
  if (p.kind === 'clip' && !(p.min < p.max)) throw new ConfigError(`x0 clip range [${p.min}, ${p.max}] is empty.`);
  if (p.kind === 'dynamic') {
    if (!(p.percentile > 0 && p.percentile <= 1)) throw new ConfigError(`dynamic thresholding percentile must be in (0, 1], got ${p.percentile}.`);
    if (!(p.maxThreshold >= 1)) throw new ConfigError(`dynamic thresholding maxThreshold must be >= 1, got ${p.maxThreshold}.`);
  }
}

/** Applies the processing; returns a new tensor the caller owns. */
export function processX0(x0: tf.Tensor, p: X0Processing): tf.Tensor {
  switch (p.kind) {
    case 'none':
      return x0.clone();
    case 'clip':
      return tf.clipByValue(x0, p.min, p.max);
    case 'dynamic':
      return tf.tidy(() => {
        const batch = x0.shape[0]!;
        const flat = tf.reshape(tf.abs(x0), [batch, -1]);
        const n = flat.shape[1]!;
        // The percentile as the smallest of the top (1 - p) share: topk stays on the device.
        const k = Math.max(1, Math.round((1 - p.percentile) * n) + 1);
        const s = tf.clipByValue(tf.min(tf.topk(flat, Math.min(k, n)).values, 1), 1, p.maxThreshold);
        const sb = tf.reshape(s, [batch, ...new Array<number>(x0.rank - 1).fill(1)]);
        return tf.div(tf.maximum(tf.minimum(x0, sb), tf.neg(sb)), sb);
      });
  }
}
