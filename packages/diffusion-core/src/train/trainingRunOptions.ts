import type { WeightsStore } from '../io/weightsStore';
import type { GradientSource } from './gradientSource';
import type { TrainingLog } from './trainer';
import type { TrainerConfig } from './trainerConfig';

/**
 * What a model package's trainer takes, whatever the model (`M`) and its slices (`D`): the
 * packages' training functions (Med-cDiff's, each CDM stage's) share this shape.
 */
export interface TrainingRunOptions<M, D> {
  model: M;
  train: D;
  /** Validation slices: the fixed-seed validation metrics are logged every `validateEvery` steps. */
  validation?: D;
  batchSize: number;
  config?: Partial<TrainerConfig>;
  /** The checkpoint folder (a run resumes from the newest checkpoint in it). */
  checkpoints?: WeightsStore;
  onLog?: (log: TrainingLog) => void;
  onValidation?: (step: number, metrics: Record<string, number>) => void;
  warn?: (message: string) => void;
  /**
   * Gradients from elsewhere than this thread, e.g. `dataParallelGradients` over workers that
   * build the same replica from the same inputs; default this thread.
   */
  gradients?: GradientSource;
}
