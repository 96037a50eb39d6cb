import type { NodeBackend } from '../../node';
import type { BatchSourcePosition } from '../batchSource';
import type { TrainingReplicaModule } from '../trainingReplica';

/** What a training worker is started with. */
export interface WorkerSetup {
  replica: TrainingReplicaModule;
  backend: NodeBackend;
  /** This worker's rows of every global batch. */
  offset: number;
  count: number;
  total: number;
  /** The weights before each step (written by the trainer), and this worker's gradients after it. */
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
}

export type ToWorker = { type: 'step'; step: number; seed: number; position: BatchSourcePosition };

export type FromWorker =
  | { type: 'ready'; shapes: number[][] }
  | { type: 'done'; loss: number; position: BatchSourcePosition; batch: string }
  | { type: 'error'; name: string; code: string | undefined; message: string; stack: string | undefined };
