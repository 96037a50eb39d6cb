import * as tf from '@tensorflow/tfjs-core';
import { diffusionLoss, type NoiseSchedule, type ScheduleTensors } from '@meddiff/diffusion-core';
import { matchHistogram } from '../baselines/histogramMatching';
import type { CdmModel } from '../model';
import { patchKeepMask } from '../nn/patchMask';
import { SingleContrastBatchSource, translationBatch, type TranslationBatch, type VectorSet } from './batchSources';
import { sliceChannel, type PairedSlices } from './pairedSlices';

/** Fixed seeds: successive validations of one run see the same masks, noise and draws. */
export const VALIDATION_SEED = 12345;

/** The MRM's objective on validation slices with fixed masks: MSE of the whole image. */
export async function mrmValidationLoss(model: CdmModel, slices: PairedSlices, channels: readonly number[], batchSize = 8): Promise<number> {
  const items = slices.count * channels.length;
  const b = Math.min(batchSize, items);
  const source = new SingleContrastBatchSource(slices, channels, b, VALIDATION_SEED);
  const batches = Math.floor(items / b);
  const { patchSize, maskRatio } = model.config.mrm;
  let total = 0;
  for (let i = 0; i < batches; i++) {
    const images = source.next();
    const value = tf.tidy(() => {
      const keep = patchKeepMask(b, slices.size, slices.size, patchSize, maskRatio, VALIDATION_SEED + i);
      return tf.mean(tf.square(tf.sub(model.mrm.reconstruct(tf.mul(images, keep) as tf.Tensor4D), images)));
    });
    total += (await value.data())[0]!;
    tf.dispose([images, value]);
  }
  return total / batches;
}

/** The MDN's x0 objective on validation vectors with fixed timesteps and noise. */
export async function mdnValidationLoss(model: CdmModel, targets: VectorSet, sources: VectorSet | undefined, schedule: NoiseSchedule, scheduleTensors: ScheduleTensors, batchSize = 32): Promise<number> {
  const count = targets.data.length / targets.dim;
  let total = 0;
  let seen = 0;
  for (let start = 0; start < count; start += batchSize) {
    const b = Math.min(batchSize, count - start);
    const value = tf.tidy(() => {
      const x0 = tf.tensor2d(targets.data.subarray(start * targets.dim, (start + b) * targets.dim), [b, targets.dim]);
      const cond = sources ? tf.tensor2d(sources.data.subarray(start * sources.dim, (start + b) * sources.dim), [b, sources.dim]) : undefined;
      return tf.mul(diffusionLoss(x0, (xt, t) => model.mdn.predict(xt, t, cond), { schedule, scheduleTensors, predictionType: 'x0', loss: 'mse', seed: VALIDATION_SEED + start }), b);
    });
    total += (await value.data())[0]!;
    seen += b;
    value.dispose();
  }
  return total / seen;
}

/**
 * Mean absolute error per target contrast (in the [-1, 1] scale, outputs clipped to it) of a
 * translator over a set of slices. `predict` receives each batch and returns (B, H, W, targets).
 */
export async function translationErrors(slices: PairedSlices, sourceChannels: readonly number[], targetChannels: readonly number[], predict: (batch: TranslationBatch, first: number) => tf.Tensor4D, options: { batchSize?: number; sourceVectors?: VectorSet } = {}): Promise<number[]> {
  const batchSize = options.batchSize ?? 8;
  const sums = new Float64Array(targetChannels.length);
  for (let start = 0; start < slices.count; start += batchSize) {
    const items = Array.from({ length: Math.min(batchSize, slices.count - start) }, (_, i) => start + i);
    const batch = translationBatch(slices, items, sourceChannels, targetChannels, options.sourceVectors);
    let errors: tf.Tensor | undefined;
    try {
      errors = tf.tidy(() => {
        const out = tf.clipByValue(predict(batch, start), -1, 1);
        return tf.sum(tf.mean(tf.abs(tf.sub(out, batch.targets)), [1, 2]), 0);
      });
      const values = await errors.data();
      values.forEach((v, j) => (sums[j]! += v));
    } finally {
      tf.dispose([batch.sources, batch.targets, ...(batch.sourceVectors ? [batch.sourceVectors] : []), ...(errors ? [errors] : [])]);
    }
  }
  return Array.from(sums, (s) => s / slices.count);
}

/**
 * The histogram-matching baseline's mean absolute error per target: the first source matched to
 * the true target slice's own histogram (an oracle: it knows the target's intensity
 * distribution, so this is as good as histogram matching gets).
 */
export function histogramMatchingErrors(slices: PairedSlices, sourceChannel: number, targetChannels: readonly number[]): number[] {
  const n = slices.size * slices.size;
  const sums = new Float64Array(targetChannels.length);
  for (let i = 0; i < slices.count; i++) {
    const src = sliceChannel(slices, i, sourceChannel);
    targetChannels.forEach((t, j) => {
      const ref = sliceChannel(slices, i, t);
      const matched = matchHistogram(src, ref);
      let e = 0;
      for (let p = 0; p < n; p++) e += Math.abs(matched[p]! - ref[p]!);
      sums[j]! += e / n;
    });
  }
  return Array.from(sums, (s) => s / slices.count);
}
