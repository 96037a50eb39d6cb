import { ConfigError } from '../errors';

export interface LearningRateConfig {
  peak: number;
  /** Linear warm-up from 0 over this many steps. */
  warmupSteps: number;
  /** After warm-up: stay at the peak, or follow a half cosine down to `minimum` at `totalSteps`. */
  decay: 'constant' | 'cosine';
  totalSteps: number;
  minimum: number;
}

export function validateLearningRate(c: LearningRateConfig): void {
  if (!(c.peak > 0)) throw new ConfigError(`learningRate.peak must be > 0, got ${c.peak}.`);
  if (!Number.isInteger(c.warmupSteps) || c.warmupSteps < 0) throw new ConfigError(`learningRate.warmupSteps must be an integer >= 0, got ${c.warmupSteps}.`);
  if (c.decay !== 'constant' && c.decay !== 'cosine') throw new ConfigError(`learningRate.decay '${String(c.decay)}' is unknown. Allowed: constant, cosine.`);
  if (c.decay === 'cosine' && !(c.totalSteps > c.warmupSteps)) throw new ConfigError('learningRate.totalSteps must exceed warmupSteps for cosine decay.');
  if (!(c.minimum >= 0 && c.minimum <= c.peak)) throw new ConfigError(`learningRate.minimum must be in [0, peak], got ${c.minimum}.`);
}

/** The learning rate at a 0-based step. */
export function learningRateAt(step: number, c: LearningRateConfig): number {
  if (step < c.warmupSteps) return (c.peak * (step + 1)) / c.warmupSteps;
  if (c.decay === 'constant') return c.peak;
  const progress = Math.min(1, (step - c.warmupSteps) / (c.totalSteps - c.warmupSteps));
  return c.minimum + 0.5 * (c.peak - c.minimum) * (1 + Math.cos(Math.PI * progress));
}
