import { Trainer, type TrainerConfig, type TrainingLog, type WeightsStore } from '@meddiff/diffusion-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CdmModel } from '../model';
import type { PairedSlices } from './pairedSlices';

/** What every stage trainer takes. Slices must be prepared at the model's imageSize (`prepareSlices`). */
export interface StageOptions {
  model: CdmModel;
  train: PairedSlices;
  /** Validation slices: the stage's fixed-seed validation metrics are logged every `validateEvery` steps. */
  validation?: PairedSlices;
  batchSize: number;
  config?: Partial<TrainerConfig>;
  /** This stage's checkpoint folder (a run resumes from the newest one). */
  checkpoints?: WeightsStore;
  onLog?: (log: TrainingLog) => void;
  onValidation?: (step: number, metrics: Record<string, number>) => void;
  warn?: (message: string) => void;
}

/** A stage's trainer and what its wiring holds on the device. */
export interface StageTrainer<B> {
  trainer: Trainer<B>;
  /** The stage's fixed-seed validation metrics now (when validation slices were given). */
  validate?: () => Promise<Record<string, number>>;
  dispose(): void;
}

/** The generic trainer's options common to all stages. */
export function trainerOptions(o: StageOptions, network: tfl.LayersModel, modelConfig: unknown) {
  return {
    model: network,
    modelConfig,
    batchSize: o.batchSize,
    ...(o.config ? { config: o.config } : {}),
    ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.onValidation ? { onValidation: o.onValidation } : {}),
    ...(o.warn ? { warn: o.warn } : {}),
  };
}
