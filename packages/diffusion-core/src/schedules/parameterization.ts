import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';

/** What a denoising network predicts. */
export type PredictionType = 'epsilon' | 'x0' | 'v';
export const PREDICTION_TYPES: readonly PredictionType[] = ['epsilon', 'x0', 'v'];

export function assertPredictionType(value: string): asserts value is PredictionType {
  if (!(PREDICTION_TYPES as readonly string[]).includes(value)) {
    throw new ConfigError(`Unknown prediction type '${value}'. Allowed: ${PREDICTION_TYPES.join(', ')}.`);
  }
}

/**
 * alpha-bar for a batch: a number (one timestep for the whole batch, as in sampling) or a tensor
 * broadcastable to the sample (one per example, e.g. shape [B, 1, 1, 1], as in training).
 */
export type AlphaBar = number | tf.Tensor;

function sqrtParts(alphaBar: AlphaBar): [tf.Tensor | number, tf.Tensor | number] {
  if (typeof alphaBar === 'number') return [Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)];
  return [tf.sqrt(alphaBar), tf.sqrt(tf.sub(1, alphaBar))];
}

/**
 * Exact conversions between the parameterisations, with x_t = sqrt(ab) x0 + sqrt(1 - ab) eps and
 * v = sqrt(ab) eps - sqrt(1 - ab) x0 (Salimans and Ho 2022, sec. 4).
 * Returns the predicted clean sample and noise; the caller owns both.
 */
export function toX0AndEpsilon(
  predictionType: PredictionType,
  modelOutput: tf.Tensor,
  sample: tf.Tensor,
  alphaBar: AlphaBar,
): { x0: tf.Tensor; epsilon: tf.Tensor } {
  return tf.tidy(() => {
    const [a, s] = sqrtParts(alphaBar);
    switch (predictionType) {
      case 'epsilon': {
        const x0 = tf.div(tf.sub(sample, tf.mul(s, modelOutput)), a);
        return { x0, epsilon: modelOutput.clone() };
      }
      case 'x0': {
        const epsilon = tf.div(tf.sub(sample, tf.mul(a, modelOutput)), s);
        return { x0: modelOutput.clone(), epsilon };
      }
      case 'v': {
        const x0 = tf.sub(tf.mul(a, sample), tf.mul(s, modelOutput));
        const epsilon = tf.add(tf.mul(s, sample), tf.mul(a, modelOutput));
        return { x0, epsilon };
      }
    }
  });
}

/** Noise implied by x_t and a (possibly clipped) x0: eps = (x_t - sqrt(ab) x0) / sqrt(1 - ab). */
export function epsilonFromX0(x0: tf.Tensor, sample: tf.Tensor, alphaBar: AlphaBar): tf.Tensor {
  return tf.tidy(() => {
    const [a, s] = sqrtParts(alphaBar);
    return tf.div(tf.sub(sample, tf.mul(a, x0)), s);
  });
}

/** The regression target for a parameterisation, given the clean sample and the noise that was added. */
export function trainingTarget(
  predictionType: PredictionType,
  x0: tf.Tensor,
  noise: tf.Tensor,
  alphaBar: AlphaBar,
): tf.Tensor {
  return tf.tidy(() => {
    switch (predictionType) {
      case 'epsilon':
        return noise.clone();
      case 'x0':
        return x0.clone();
      case 'v': {
        const [a, s] = sqrtParts(alphaBar);
        return tf.sub(tf.mul(a, noise), tf.mul(s, x0));
      }
    }
  });
}
