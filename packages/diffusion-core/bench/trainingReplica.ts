/** The training bench's replica (a U-Net preset on seeded random pairs), for its data-parallel workers. */
import * as tf from '@tensorflow/tfjs-core';
import { ArrayBatchSource, diffusionLoss, NoiseSchedule, seededUniform, UNet, unetPreset, type TrainingReplica, type UNetPresetName } from '../src/index';

export interface BenchReplicaOptions {
  preset: UNetPresetName;
  size: number;
  batch: number;
}

export function createTrainingReplica(o: BenchReplicaOptions): TrainingReplica<tf.Tensor> {
  const unet = UNet.create({ ...unetPreset(o.preset), inChannels: 2, outChannels: 1 });
  const schedule = new NoiseSchedule();
  const scheduleTensors = schedule.upload();
  const random = seededUniform(1);
  const data = new ArrayBatchSource({ data: Float32Array.from({ length: 64 * o.size * o.size * 2 }, () => random() * 2 - 1), itemShape: [o.size, o.size, 2] }, o.batch, 1);
  return {
    model: unet.model,
    data,
    loss: (pair, { seed, rows }) =>
      tf.tidy(() => {
        const [x0, cond] = tf.split(pair, 2, 3);
        return diffusionLoss(x0!, (xt, t) => unet.apply({ x: tf.concat([xt, cond!], 3) as tf.Tensor4D, timesteps: t }, true), { schedule, scheduleTensors, predictionType: 'epsilon', loss: 'mse', seed, rows });
      }),
    dispose: () => {
      tf.dispose(Object.values(scheduleTensors));
      unet.dispose();
    },
  };
}
