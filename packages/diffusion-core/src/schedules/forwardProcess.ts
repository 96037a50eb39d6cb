import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import type { AlphaBar } from './parameterization';
import type { ScheduleTensors } from './noiseSchedule';

/**
 * q(x_t | x_0) (Ho et al. 2020, eq. 4): x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) noise.
 * `alphaBar` is one number for the whole batch or a tensor broadcastable to x0.
 */
export function addNoise(x0: tf.Tensor, noise: tf.Tensor, alphaBar: AlphaBar): tf.Tensor {
  if (!tf.util.arraysEqual(x0.shape, noise.shape)) {
    throw new ShapeError(`addNoise: x0 has shape [${x0.shape}] but noise has [${noise.shape}]; they must match.`);
  }
  return tf.tidy(() => {
    if (typeof alphaBar === 'number') {
      return tf.add(tf.mul(x0, Math.sqrt(alphaBar)), tf.mul(noise, Math.sqrt(1 - alphaBar)));
    }
    return tf.add(tf.mul(x0, tf.sqrt(alphaBar)), tf.mul(noise, tf.sqrt(tf.sub(1, alphaBar))));
  });
}

/**
 * alpha-bar per example for a batch of integer timesteps, shaped [B, 1, ..., 1] to broadcast
 * against a sample of rank `rank`. Gathered on the device from tensors uploaded once.
 */
export function gatherAlphaBar(tensors: ScheduleTensors, timesteps: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.tidy(() => {
    const ab = tf.gather(tensors.alphasCumprod, tf.cast(timesteps, 'int32'));
    return tf.reshape(ab, [timesteps.shape[0], ...new Array<number>(rank - 1).fill(1)]);
  });
}
