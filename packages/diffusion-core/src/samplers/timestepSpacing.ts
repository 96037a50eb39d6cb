import { ConfigError } from '../errors';
import type { NoiseSchedule } from '../schedules/noiseSchedule';

/**
 * How inference timesteps are picked from the training ones: `leading`, `trailing` and `linspace`
 * as in Lin et al. 2024, table 2; `logsnr` spaces them evenly in lambda = log(alpha / sigma), the
 * choice Lu et al. 2022 recommend for DPM-Solver at few steps.
 */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace' | 'logsnr';
export const TIMESTEP_SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace', 'logsnr'];

/** Descending integer timesteps in [0, T - 1], `numSteps` of them, all distinct. */
export function spaceTimesteps(schedule: NoiseSchedule, numSteps: number, spacing: TimestepSpacing): number[] {
  const T = schedule.numTrainTimesteps;
  if (!Number.isInteger(numSteps) || numSteps < 1 || numSteps > T) {
    throw new ConfigError(`numInferenceSteps must be an integer in [1, ${T}], got ${numSteps}.`);
  }
  const out: number[] = [];
  switch (spacing) {
    case 'leading': {
      const stride = Math.floor(T / numSteps);
      for (let i = numSteps - 1; i >= 0; i--) out.push(i * stride);
      return out;
    }
    case 'trailing': {
      const stride = T / numSteps;
      for (let i = 0; i < numSteps; i++) out.push(Math.round(T - i * stride) - 1);
      return out;
    }
    case 'linspace': {
      for (let i = numSteps - 1; i >= 0; i--) out.push(numSteps === 1 ? T - 1 : Math.round((i * (T - 1)) / (numSteps - 1)));
      return out;
    }
    case 'logsnr':
      return logSnrTimesteps(schedule, numSteps);
    default:
      throw new ConfigError(`Unknown timestep spacing '${String(spacing)}'. Allowed: ${TIMESTEP_SPACINGS.join(', ')}.`);
  }
}

function logSnrTimesteps(schedule: NoiseSchedule, n: number): number[] {
  const T = schedule.numTrainTimesteps;
  const ab = schedule.alphasCumprod;
  const lambda = (t: number) => 0.5 * Math.log(ab[t]! / (1 - ab[t]!));
  const hi = lambda(0);
  const lo = lambda(T - 1);
  const out: number[] = [];
  let t = T - 1;
  for (let i = 0; i < n; i++) {
    const target = n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1);
    // lambda decreases with t: walk t down to the first step at or above the target.
    while (t > 0 && lambda(t) < target) t--;
    const nearer = t + 1 <= T - 1 && Math.abs(lambda(t + 1) - target) < Math.abs(lambda(t) - target) ? t + 1 : t;
    out.push(nearer);
  }
  // Rounding to integers can repeat a step near t = 0, where lambda changes fastest; keep them distinct.
  out[n - 1] = Math.max(out[n - 1]!, 0);
  for (let i = n - 2; i >= 0; i--) out[i] = Math.max(out[i]!, out[i + 1]! + 1);
  if (out[0]! > T - 1) throw new ConfigError(`Cannot place ${n} distinct logsnr-spaced steps in ${T} training steps; use fewer steps or another spacing.`);
  return out;
}
