import { Trainer, type TrainingReplica, type TrainingRunOptions } from '@meddiff/diffusion-core';
import type { CdmModel } from '../model';
import type { PairedSlices } from './pairedSlices';

/** What every stage trainer takes. Slices must be prepared at the model's imageSize (`prepareSlices`). */
export type StageOptions = TrainingRunOptions<CdmModel, PairedSlices>;

/** A stage's trainer and what its wiring holds on the device. */
export interface StageTrainer<B> {
  trainer: Trainer<B>;
  /** The stage's fixed-seed validation metrics now (when validation slices were given). */
  validate?: () => Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/**
 * The generic trainer's options for a stage: its network, and its gradients from `o.gradients` or
 * else from the replica's loss and batches in this thread.
 */
export function trainerOptions<B>(o: StageOptions, replica: Pick<TrainingReplica<B>, 'model' | 'loss' | 'data'>, modelConfig: unknown) {
  return {
    model: replica.model,
    ...(o.gradients ? { gradients: o.gradients } : { loss: replica.loss, data: replica.data }),
    modelConfig,
    batchSize: o.batchSize,
    ...(o.config ? { config: o.config } : {}),
    ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.onValidation ? { onValidation: o.onValidation } : {}),
    ...(o.warn ? { warn: o.warn } : {}),
  };
}
