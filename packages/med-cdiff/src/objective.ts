import * as tf from '@tensorflow/tfjs-core';
import type { MedCDiffObjective } from './config';

/**
 * The sample the diffusion runs on, from clean images (B, H, W, 1) and their condition (B, H, W, C):
 * the image itself, or its residual over the condition's image channel (channel 0: the bicubic
 * upsampling or the noisy slice), divided by the residual scale. Used by the trainer.
 */
export function toDiffusionSpace(x0: tf.Tensor4D, condition: tf.Tensor4D, objective: MedCDiffObjective): tf.Tensor4D {
  if (objective.target === 'image') return x0.clone();
  return tf.tidy(() => tf.div(tf.sub(x0, tf.slice(condition, [0, 0, 0, 0], [-1, -1, -1, 1])), objective.residualScale) as tf.Tensor4D);
}

/** The image a sample stands for (the inverse of toDiffusionSpace), in place, for one image of values. Used by the pipeline. */
export function fromDiffusionSpace(sample: Float32Array, conditionImage: ArrayLike<number>, objective: MedCDiffObjective): Float32Array {
  if (objective.target === 'image') return sample;
  for (let i = 0; i < sample.length; i++) sample[i] = conditionImage[i]! + objective.residualScale * sample[i]!;
  return sample;
}
