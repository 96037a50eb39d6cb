import { ConfigError } from '../errors';

/** How inference timesteps are picked from the training ones (Lin et al. 2024, table 2). */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';
export const TIMESTEP_SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

/** Descending integer timesteps in [0, numTrainTimesteps - 1], `numSteps` of them, all distinct. */
export function spaceTimesteps(numTrainTimesteps: number, numSteps: number, spacing: TimestepSpacing): number[] {
  if (!Number.isInteger(numSteps) || numSteps < 1 || numSteps > numTrainTimesteps) {
    throw new ConfigError(`numInferenceSteps must be an integer in [1, ${numTrainTimesteps}], got ${numSteps}.`);
  }
  const out: number[] = [];
  switch (spacing) {
    case 'leading': {
      const stride = Math.floor(numTrainTimesteps / numSteps);
      for (let i = numSteps - 1; i >= 0; i--) out.push(i * stride);
      break;
    }
    case 'trailing': {
      const stride = numTrainTimesteps / numSteps;
      for (let i = 0; i < numSteps; i++) out.push(Math.round(numTrainTimesteps - i * stride) - 1);
      break;
    }
    case 'linspace': {
      for (let i = numSteps - 1; i >= 0; i--) {
        out.push(numSteps === 1 ? numTrainTimesteps - 1 : Math.round((i * (numTrainTimesteps - 1)) / (numSteps - 1)));
      }
      break;
    }
    default:
      throw new ConfigError(`Unknown timestep spacing '${String(spacing)}'. Allowed: ${TIMESTEP_SPACINGS.join(', ')}.`);
  }
  return out;
}
