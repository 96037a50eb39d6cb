import { ConfigError, DdimScheduler, DdpmScheduler, DpmSolverMultistepScheduler, type NoiseSchedule, type Scheduler } from '@meddiff/diffusion-core';
import type { MedCDiffObjective } from '../config';

/** The samplers a pipeline offers: fast by default, the paper's full DDPM on request. */
export type SamplerName = 'dpm-solver' | 'ddim' | 'ddpm';
export const SAMPLER_NAMES: readonly SamplerName[] = ['dpm-solver', 'ddim', 'ddpm'];

/** Default steps: DPM-Solver++ converges in tens of steps; DDPM runs every training step (T = 2000 in the paper). */
export function defaultSteps(sampler: SamplerName, schedule: NoiseSchedule): number {
  return sampler === 'dpm-solver' ? 25 : sampler === 'ddim' ? 50 : schedule.numTrainTimesteps;
}

/** A sampler for a model's objective: its prediction type; predicted x0 clipped to [-1, 1] for images, not for residuals. */
export function makeScheduler(sampler: SamplerName, schedule: NoiseSchedule, objective: MedCDiffObjective): Scheduler {
  const common = { predictionType: objective.prediction, x0Processing: objective.target === 'image' ? ({ kind: 'clip', min: -1, max: 1 } as const) : ({ kind: 'none' } as const) };
  switch (sampler) {
    case 'dpm-solver':
      return new DpmSolverMultistepScheduler(schedule, common);
    case 'ddim':
      return new DdimScheduler(schedule, { ...common, eta: 0 });
    case 'ddpm':
      // sigma_t^2 = beta_t, as the paper samples.
      return new DdpmScheduler(schedule, { ...common, variance: 'beta' });
    default:
      throw new ConfigError(`Unknown sampler '${String(sampler)}'. Allowed: ${SAMPLER_NAMES.join(', ')}.`);
  }
}
