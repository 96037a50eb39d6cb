import * as tf from '@tensorflow/tfjs-core';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { mixSeed } from '../samplers/seededNoise';
import { ArrayBatchSource } from '../train/batchSource';
import { diffusionLoss } from '../train/objectives';
import type { LossFunction, TrainerOptions } from '../train/trainer';
import type { TrainerConfig } from '../train/trainerConfig';
import { centreCrop, readOpenSlices } from './openDataset';
import { perturbWeights } from './perturbWeights';

/**
 * A small conditional task on real MRI/CT patches, shared by the trainer tests and the resume
 * child process: a tiny U-Net learns the epsilon-prediction objective for clean patches given a
 * noisy copy as the condition (Med-cDiff's denoising set-up, in miniature). Test-only.
 */
export function denoisingTask(options: { patch: number; batchSize: number; seed: number; config: Partial<TrainerConfig> }): {
  unet: UNet;
  trainerOptions: Omit<TrainerOptions<tf.Tensor>, 'checkpoints'>;
  dispose: () => void;
} {
  const { patch, batchSize, seed } = options;
  const slices = readOpenSlices('open-64', 'train');
  const data = new ArrayBatchSource({ data: centreCrop(slices, patch), itemShape: [patch, patch, 1] }, batchSize, seed);
  const unet = UNet.create({ ...unetPreset('tiny'), inChannels: 2, outChannels: 1 });
  // Seeded start, so separate processes begin from the same weights.
  perturbWeights(unet.model, seed, 0.05);
  const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });
  const scheduleTensors = schedule.upload();
  const loss: LossFunction<tf.Tensor> = (x0, { seed: stepSeed }) =>
    tf.tidy(() => {
      const condition = tf.add(x0, tf.randomNormal(x0.shape, 0, 0.2, 'float32', mixSeed(stepSeed, 7)));
      return diffusionLoss(x0, (xt, t) => unet.apply({ x: tf.concat([xt, condition], 3) as tf.Tensor4D, timesteps: t }, true), {
        schedule,
        scheduleTensors,
        predictionType: 'epsilon',
        loss: 'mse',
        seed: stepSeed,
      });
    });
  return {
    unet,
    trainerOptions: { model: unet.model, modelConfig: unet.config, loss, data, batchSize, config: { seed, ...options.config } },
    dispose: () => {
      tf.dispose(Object.values(scheduleTensors));
      unet.dispose();
    },
  };
}

export const RESUME_TASK = { patch: 16, batchSize: 4, seed: 5, config: { steps: 8, checkpointEvery: 1, logEvery: 1, learningRate: { peak: 1e-3, warmupSteps: 2, decay: 'cosine' as const, totalSteps: 8, minimum: 1e-4 } } };
