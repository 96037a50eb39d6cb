import { mixSeed, seededUniform } from '@meddiff/diffusion-core';

/** A seeded source of uniform and normal numbers; the same seed gives the same draws everywhere. */
export interface Random {
  uniform(): number;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
  normal(): number;
  /** An independent generator for a named sub-task (e.g. one per contrast), so adding draws elsewhere changes nothing here. */
  fork(stream: number): Random;
}

export function seededRandom(seed: number): Random {
  const u = seededUniform(seed);
  let spare: number | null = null;
  return {
    uniform: u,
    between: (low, high) => low + (high - low) * u(),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // Box-Muller on (0, 1] so the logarithm stays finite.
      const a = 1 - u();
      const b = u();
      const r = Math.sqrt(-2 * Math.log(a));
      spare = r * Math.sin(2 * Math.PI * b);
      return r * Math.cos(2 * Math.PI * b);
    },
    fork: (stream) => seededRandom(mixSeed(seed, stream)),
  };
}
