/** The replica module of the test denoising task, for data-parallel workers. Test-only. */
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingReplica } from '../train/trainingReplica';
import { denoisingReplica, type DenoisingTaskOptions } from './denoisingTask';

export function createTrainingReplica(options: DenoisingTaskOptions): TrainingReplica<tf.Tensor> {
  return denoisingReplica(options);
}
