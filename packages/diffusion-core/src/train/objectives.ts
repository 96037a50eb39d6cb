import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors';
import { addNoise, gatherAlphaBar } from '../schedules/forwardProcess';
import type { NoiseSchedule, ScheduleTensors } from '../schedules/noiseSchedule';
import { trainingTarget, type PredictionType } from '../schedules/parameterization';
import { mixSeed } from '../samplers/seededNoise';
import { allRows, drawRows, type BatchRows } from './batchRows';

export type ReconstructionLoss = 'mse' | 'l1';
export const RECONSTRUCTION_LOSSES: readonly ReconstructionLoss[] = ['mse', 'l1'];

/**
 * Mean squared or absolute error, optionally only where `mask` is 1 (the mean is then over the
 * masked elements). For networks that are not diffusion models: CDM's MRM and C-UNet.
 */
export function reconstructionLoss(prediction: tf.Tensor, target: tf.Tensor, kind: ReconstructionLoss, mask?: tf.Tensor): tf.Scalar {
  if (!tf.util.arraysEqual(prediction.shape, target.shape)) {
    throw new ShapeError(`reconstructionLoss: prediction [${prediction.shape}] and target [${target.shape}] differ.`);
  }
  if (!RECONSTRUCTION_LOSSES.includes(kind)) throw new ConfigError(`Unknown loss '${kind}'. Allowed: ${RECONSTRUCTION_LOSSES.join(', ')}.`);
  return tf.tidy(() => {
    const diff = tf.sub(prediction, target);
    const err = kind === 'mse' ? tf.square(diff) : tf.abs(diff);
    if (!mask) return tf.mean(err) as tf.Scalar;
    const m = tf.broadcastTo(tf.cast(mask, 'float32'), err.shape);
    return tf.div(tf.sum(tf.mul(err, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

export interface DiffusionLossOptions {
  schedule: NoiseSchedule;
  /** Uploaded once by the caller (`schedule.upload()`), gathered per example here. */
  scheduleTensors: ScheduleTensors;
  predictionType: PredictionType;
  loss: ReconstructionLoss;
  /** Hang et al. 2023, min-SNR-gamma weighting; 0 or undefined for the plain loss. */
  minSnrGamma?: number;
  /** Seed of this step's draws (timesteps and noise); a trainer derives it from its seed and the step. */
  seed: number;
  /** The rows of the step's global batch that `x0` holds (a data-parallel worker's share); default all. */
  rows?: BatchRows;
}

/**
 * The denoising objective (Ho et al. 2020, Algorithm 1, eq. 14, with t uniform over the T
 * steps): draw t and noise, form x_t, ask the network for the chosen target and regress.
 * `predict` receives x_t and the timesteps (B,) and returns the network output.
 */
export function diffusionLoss(x0: tf.Tensor, predict: (xt: tf.Tensor, t: tf.Tensor1D) => tf.Tensor, o: DiffusionLossOptions): tf.Scalar {
  return tf.tidy(() => {
    const batch = x0.shape[0]!;
    const rows = o.rows ?? allRows(batch);
    const t = tf.cast(tf.floor(drawRows([batch], rows, (s) => tf.randomUniform(s, 0, o.schedule.numTrainTimesteps, 'float32', mixSeed(o.seed, 1)))), 'int32') as tf.Tensor1D;
    const noise = drawRows(x0.shape, rows, (s) => tf.randomNormal(s, 0, 1, 'float32', mixSeed(o.seed, 2)));
    const ab = gatherAlphaBar(o.scheduleTensors, t, x0.rank);
    const xt = addNoise(x0, noise, ab);
    const target = trainingTarget(o.predictionType, x0, noise, ab);
    const output = predict(xt, t);
    const diff = tf.sub(output, target);
    const perExample = tf.mean(tf.reshape(o.loss === 'mse' ? tf.square(diff) : tf.abs(diff), [batch, -1]), 1);
    if (!o.minSnrGamma) return tf.mean(perExample) as tf.Scalar;
    // SNR = ab / (1 - ab); the weight that turns each target's loss into min(SNR, gamma) x (x0 loss).
    const snr = tf.reshape(tf.div(ab, tf.sub(1, ab)), [batch]);
    const clipped = tf.minimum(snr, o.minSnrGamma);
    const weight = o.predictionType === 'epsilon' ? tf.div(clipped, snr) : o.predictionType === 'v' ? tf.div(clipped, tf.add(snr, 1)) : clipped;
    return tf.mean(tf.mul(perExample, weight)) as tf.Scalar;
  });
}
