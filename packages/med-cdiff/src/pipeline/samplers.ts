import { ConfigError, DdimScheduler, DdpmScheduler, DpmSolverMultistepScheduler, type NoiseSchedule, type Scheduler } from '@meddiff/diffusion-core';

/** The samplers a pipeline offers: fast by default, the paper's full DDPM on request. */
export type SamplerName = 'dpm-solver' | 'ddim' | 'ddpm';
export const SAMPLER_NAMES: readonly SamplerName[] = ['dpm-solver', 'ddim', 'ddpm'];

/** Default steps: DPM-Solver++ converges in tens of steps; DDPM runs every training step (T = 2000 in the paper). */
export function defaultSteps(sampler: SamplerName, schedule: NoiseSchedule): number {
  return sampler === 'dpm-solver' ? 25 : sampler === 'ddim' ? 50 : schedule.numTrainTimesteps;
}

export function makeScheduler(sampler: SamplerName, schedule: NoiseSchedule): Scheduler {
  switch (sampler) {
    case 'dpm-solver':
      return new DpmSolverMultistepScheduler(schedule);
    case 'ddim':
      return new DdimScheduler(schedule, { eta: 0 });
    case 'ddpm':
      // sigma_t^2 = beta_t, as the paper samples.
      return new DdpmScheduler(schedule, { variance: 'beta' });
    default:
      throw new ConfigError(`Unknown sampler '${String(sampler)}'. Allowed: ${SAMPLER_NAMES.join(', ')}.`);
  }
}
