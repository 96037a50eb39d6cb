import type * as tfl from '@tensorflow/tfjs-layers';
import type { ShardableBatchSource } from './batchSource';
import type { LossFunction } from './gradientSource';

/**
 * One copy of what a training run computes gradients with: the network, its loss and the data
 * (built for the whole batch; a worker restricts it to its rows). Every data-parallel worker builds
 * its own from the same options, so all copies have the same parameters in the same order; the
 * trainer sends the weights before every step, so how a copy initialises them does not matter.
 */
export interface TrainingReplica<B> {
  model: tfl.LayersModel;
  loss: LossFunction<B>;
  data: ShardableBatchSource<B>;
  dispose(): void;
}

/**
 * Where a worker thread finds a replica: the URL of an ES module whose export
 * `createTrainingReplica(options)` builds one, and the options (structured-cloneable; a
 * Float32Array on a SharedArrayBuffer reaches every worker without a copy).
 */
export interface TrainingReplicaModule<O = unknown> {
  url: string;
  options: O;
}
