import * as tf from '@tensorflow/tfjs-core';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { mixSeed } from '../samplers/seededNoise';
import { ArrayBatchSource } from '../train/batchSource';
import { drawRows } from '../train/batchRows';
import type { LossFunction } from '../train/gradientSource';
import { diffusionLoss } from '../train/objectives';
import type { TrainerCommonOptions } from '../train/trainer';
import type { TrainerConfig } from '../train/trainerConfig';
import type { TrainingReplica } from '../train/trainingReplica';
import { centreCrop, readOpenSlices } from './openDataset';
import { perturbWeights } from './perturbWeights';

export interface DenoisingTaskOptions {
  patch: number;
  batchSize: number;
  seed: number;
  config: Partial<TrainerConfig>;
}

/**
 * A small conditional task on real MRI/CT patches, shared by the trainer tests, the resume child
 * process and the data-parallel workers (`denoisingReplica.ts`): a tiny U-Net learns the
 * epsilon-prediction objective for clean patches given a noisy copy as the condition (Med-cDiff's
 * denoising set-up, in miniature). Test-only.
 */
export function denoisingReplica(options: DenoisingTaskOptions): TrainingReplica<tf.Tensor> & { unet: UNet } {
  const { patch, batchSize, seed } = options;
  const slices = readOpenSlices('open-64', 'train');
  const data = new ArrayBatchSource({ data: centreCrop(slices, patch), itemShape: [patch, patch, 1] }, batchSize, seed);
  const unet = UNet.create({ ...unetPreset('tiny'), inChannels: 2, outChannels: 1 });
  // Seeded start, so separate processes begin from the same weights.
  perturbWeights(unet.model, seed, 0.05);
  const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });
  const scheduleTensors = schedule.upload();
  const loss: LossFunction<tf.Tensor> = (x0, { seed: stepSeed, rows }) =>
    tf.tidy(() => {
      const condition = tf.add(x0, drawRows(x0.shape, rows, (s) => tf.randomNormal(s, 0, 0.2, 'float32', mixSeed(stepSeed, 7))));
      return diffusionLoss(x0, (xt, t) => unet.apply({ x: tf.concat([xt, condition], 3) as tf.Tensor4D, timesteps: t }, true), {
        schedule,
        scheduleTensors,
        predictionType: 'epsilon',
        loss: 'mse',
        seed: stepSeed,
        rows,
      });
    });
  return {
    unet,
    model: unet.model,
    loss,
    data,
    dispose: () => {
      tf.dispose(Object.values(scheduleTensors));
      unet.dispose();
    },
  };
}

/** The denoising task wired for a trainer in this thread. */
export function denoisingTask(options: DenoisingTaskOptions): {
  unet: UNet;
  trainerOptions: Omit<TrainerCommonOptions, 'checkpoints'> & { loss: LossFunction<tf.Tensor>; data: ArrayBatchSource };
  dispose: () => void;
} {
  const replica = denoisingReplica(options);
  return {
    unet: replica.unet,
    trainerOptions: { model: replica.model, modelConfig: replica.unet.config, loss: replica.loss, data: replica.data as ArrayBatchSource, batchSize: options.batchSize, config: { seed: options.seed, ...options.config } },
    dispose: replica.dispose,
  };
}

export const RESUME_TASK = { patch: 16, batchSize: 4, seed: 5, config: { steps: 8, checkpointEvery: 1, logEvery: 1, learningRate: { peak: 1e-3, warmupSteps: 2, decay: 'cosine' as const, totalSteps: 8, minimum: 1e-4 } } };
