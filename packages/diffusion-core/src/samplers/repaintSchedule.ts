import { ConfigError } from '../errors';

/** One move between noise levels: `denoise` from level i to i + 1, or `renoise` from level i back to i - 1. */
export interface LevelMove {
  kind: 'denoise' | 'renoise';
  from: number;
  to: number;
}

export interface ResamplingOptions {
  /** How many levels to jump back each time (RePaint's j). */
  jumpLength: number;
  /** How many times each stretch is sampled (RePaint's r; 1 means no resampling). */
  resampleCount: number;
}

/**
 * The order of moves over `numLevels` denoising steps (level 0 = pure noise, level n = clean),
 * Lugmayr et al. 2022, "RePaint", sec. 4.2: after every `jumpLength` denoising steps, go back
 * `jumpLength` levels by re-noising, `resampleCount - 1` times, so the generated region can
 * harmonise with the known one.
 */
export function repaintSchedule(numLevels: number, options: ResamplingOptions = { jumpLength: 1, resampleCount: 1 }): LevelMove[] {
  const { jumpLength, resampleCount } = options;
  if (!Number.isInteger(jumpLength) || jumpLength < 1) throw new ConfigError(`jumpLength must be an integer >= 1, got ${jumpLength}.`);
  if (!Number.isInteger(resampleCount) || resampleCount < 1) throw new ConfigError(`resampleCount must be an integer >= 1, got ${resampleCount}.`);
  // Jumps are anchored at remaining-noise counts 0, j, 2j, ... below n - j, as in the paper's code.
  const jumpsLeft = new Map<number, number>();
  for (let u = 0; u < numLevels - jumpLength; u += jumpLength) jumpsLeft.set(u, resampleCount - 1);
  const moves: LevelMove[] = [];
  let remaining = numLevels;
  while (remaining >= 1) {
    moves.push({ kind: 'denoise', from: numLevels - remaining, to: numLevels - remaining + 1 });
    remaining -= 1;
    const left = jumpsLeft.get(remaining) ?? 0;
    if (left > 0) {
      jumpsLeft.set(remaining, left - 1);
      for (let k = 0; k < jumpLength; k++) {
        moves.push({ kind: 'renoise', from: numLevels - remaining, to: numLevels - remaining - 1 });
        remaining += 1;
      }
    }
  }
  return moves;
}
