/**
 * The replica module of Med-cDiff training: what each data-parallel worker thread imports
 * (`dataParallelGradients`) to build its copy of the network, loss and batches. A build entry of its
 * own (dist/medCDiffReplica.js), imported by nothing else, so its URL stays its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NoiseSchedule, type TrainingReplica } from '@meddiff/diffusion-core';
import type { MedCDiffConfig } from '../config';
import { MedCDiffModel } from '../model';
import type { SliceSet, TrainingPair } from './pairSource';
import { medCDiffBatches, medCDiffLoss } from './trainMedCDiff';

export interface MedCDiffReplicaOptions {
  config: MedCDiffConfig;
  /** The training slices; on a SharedArrayBuffer every worker reads the trainer's copy. */
  train: SliceSet;
  batchSize: number;
  seed: number;
}

export function createTrainingReplica(o: MedCDiffReplicaOptions): TrainingReplica<TrainingPair> {
  const model = MedCDiffModel.create(o.config);
  const schedule = new NoiseSchedule(o.config.noiseSchedule);
  const scheduleTensors = schedule.upload();
  return {
    model: model.unet.model,
    loss: medCDiffLoss(model, schedule, scheduleTensors),
    data: medCDiffBatches(model, o.train, o.batchSize, o.seed),
    dispose: () => {
      tf.dispose(Object.values(scheduleTensors));
      model.dispose();
    },
  };
}
