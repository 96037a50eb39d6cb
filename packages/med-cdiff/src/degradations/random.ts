import { seededUniform } from '@meddiff/diffusion-core';

/** A seeded source of uniform and normal numbers for the CPU-side degradations. */
export interface Random {
  uniform(low?: number, high?: number): number;
  normal(): number;
  integer(low: number, highExclusive: number): number;
}

export function seededRandom(seed: number): Random {
  const u = seededUniform(seed);
  return {
    uniform: (low = 0, high = 1) => low + (high - low) * u(),
    // Box-Muller; 1 - u() avoids log(0).
    normal: () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()),
    integer: (low, high) => low + Math.floor(u() * (high - low)),
  };
}
