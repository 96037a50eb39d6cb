import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../samplers/sample';
import type { NoiseSchedule } from '../schedules/noiseSchedule';

/**
 * The optimal epsilon-predictor for data x0 ~ N(mean, std^2), independent per element:
 * E[x0 | x_t] = mean + sqrt(ab) std^2 / (ab std^2 + 1 - ab) (x_t - sqrt(ab) mean). Test-only.
 */
export function gaussianDenoiser(schedule: NoiseSchedule, mean: number, std: number): Denoiser {
  return (x, t) =>
    tf.tidy(() => {
      const ab = schedule.alphaBar(t);
      const gain = (Math.sqrt(ab) * std * std) / (ab * std * std + 1 - ab);
      const x0 = tf.add(tf.mul(tf.sub(x, Math.sqrt(ab) * mean), gain), mean);
      return tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(ab))), Math.sqrt(1 - ab));
    });
}

/** The optimal epsilon-predictor for an equal mixture of N(-m, s^2) and N(m, s^2). Test-only. */
export function mixtureDenoiser(schedule: NoiseSchedule, m: number, s: number): Denoiser {
  return (x, t) =>
    tf.tidy(() => {
      const ab = schedule.alphaBar(t);
      const a = Math.sqrt(ab);
      const v = ab * s * s + 1 - ab;
      const gain = (a * s * s) / v;
      // Posterior weight of the +m component: sigmoid of the log-likelihood ratio.
      const w = tf.sigmoid(tf.mul(x, (2 * a * m) / v));
      const x0Plus = tf.add(tf.mul(tf.sub(x, a * m), gain), m);
      const x0Minus = tf.add(tf.mul(tf.add(x, a * m), gain), -m);
      const x0 = tf.add(tf.mul(w, x0Plus), tf.mul(tf.sub(1, w), x0Minus));
      return tf.div(tf.sub(x, tf.mul(x0, a)), Math.sqrt(1 - ab));
    });
}

/** Mean and variance of all elements, read back. */
export async function moments(x: tf.Tensor): Promise<{ mean: number; variance: number }> {
  const data = await x.data();
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { mean, variance: sq / data.length };
}
