import { ConfigError } from '../errors';
import { DEFAULT_ADAMW, validateAdamW, type AdamWConfig } from './adamW';
import type { EmaConfig } from './ema';
import { validateLearningRate, type LearningRateConfig } from './learningRate';

export const TRAINER_CONFIG_VERSION = 1;

/** How to train; plain JSON, saved in every checkpoint. */
export interface TrainerConfig {
  version: typeof TRAINER_CONFIG_VERSION;
  /** Total optimisation steps. The one field a resumed run may change (to train longer). */
  steps: number;
  seed: number;
  learningRate: LearningRateConfig;
  optimizer: AdamWConfig;
  /** Clip gradients to this global norm; 0 turns clipping off. */
  gradientClipNorm: number;
  /** Keep an EMA of the weights; null for none. */
  ema: EmaConfig | null;
  /** Save a checkpoint every N steps (and at the end); 0 for only at the end. */
  checkpointEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  /** Call the validation callback every N steps; 0 for never. */
  validateEvery: number;
}

export const DEFAULT_TRAINER_CONFIG: Readonly<TrainerConfig> = Object.freeze<TrainerConfig>({
  version: TRAINER_CONFIG_VERSION,
  steps: 1000,
  seed: 0,
  learningRate: { peak: 2e-4, warmupSteps: 100, decay: 'constant', totalSteps: 1000, minimum: 0 },
  optimizer: { ...DEFAULT_ADAMW },
  gradientClipNorm: 1,
  ema: { maxDecay: 0.999, warmup: true },
  checkpointEvery: 100,
  keepCheckpoints: 3,
  logEvery: 10,
  validateEvery: 0,
});

/** Merges overrides (nested objects one level deep) onto the defaults and validates. */
export function resolveTrainerConfig(overrides: Partial<TrainerConfig> = {}): TrainerConfig {
  const d = structuredClone(DEFAULT_TRAINER_CONFIG) as TrainerConfig;
  const c: TrainerConfig = {
    ...d,
    ...overrides,
    learningRate: { ...d.learningRate, totalSteps: overrides.steps ?? d.steps, ...overrides.learningRate },
    optimizer: { ...d.optimizer, ...overrides.optimizer },
    ema: overrides.ema === null ? null : { ...d.ema!, ...overrides.ema },
  };
  if (c.version !== TRAINER_CONFIG_VERSION) throw new ConfigError(`TrainerConfig.version ${String(c.version)} is not supported; this package reads ${TRAINER_CONFIG_VERSION}.`);
  for (const k of ['steps', 'logEvery'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new ConfigError(`TrainerConfig.${k} must be a positive integer, got ${c[k]}.`);
  }
  for (const k of ['checkpointEvery', 'validateEvery', 'seed'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0) throw new ConfigError(`TrainerConfig.${k} must be an integer >= 0, got ${c[k]}.`);
  }
  if (!(c.gradientClipNorm >= 0)) throw new ConfigError(`TrainerConfig.gradientClipNorm must be >= 0, got ${c.gradientClipNorm}.`);
  validateLearningRate(c.learningRate);
  validateAdamW(c.optimizer);
  return c;
}

/** Dotted paths where two JSON values differ, e.g. ['learningRate.peak: 0.001 -> 0.0002']. */
export function configDifferences(saved: unknown, current: unknown, path = ''): string[] {
  if (typeof saved !== 'object' || typeof current !== 'object' || saved === null || current === null) {
    return JSON.stringify(saved) === JSON.stringify(current) ? [] : [`${path || '(root)'}: ${JSON.stringify(saved)} -> ${JSON.stringify(current)}`];
  }
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
  return [...keys].flatMap((k) => configDifferences((saved as Record<string, unknown>)[k], (current as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
}
