import { ConfigError } from '@meddiff/diffusion-core';
import type { SimulatedModality } from '../modalities';
import type { Acquisition } from './acquisition';
import { seededRandom } from './random';
import type { ContrastSpec } from './sequences';
import { drawTissueParameters, type TissueParameters } from './tissues';

/** One simulated person-and-session: tissue properties and acquisition imperfections. */
export interface VirtualSubject {
  seed: number;
  tissues: TissueParameters;
  /** Relative standard deviation of the smooth spatial variation of T1, T2 and PD within a tissue. */
  variability: number;
  /** Rician noise: standard deviation of each complex channel relative to the brightest tissue's signal (BrainWeb's convention). */
  noiseLevel: number;
  /** Intensity non-uniformity: the bias field spans about exp(+-level/2) (BrainWeb offers 0, 20 and 40 %). */
  biasLevel: number;
  /** The protocol of each contrast; absent: the fixed CONTRAST_PRESETS (sequences.ts). Drawn per subject by drawProtocolSubject. */
  contrasts?: Readonly<Record<SimulatedModality, ContrastSpec>>;
  /** Slice thickness and in-plane resolution; absent: one anatomy slice rendered at the output grid. */
  acquisition?: Acquisition;
}

export interface VirtualSubjectRanges {
  variability: [number, number];
  noiseLevel: [number, number];
  biasLevel: [number, number];
}

/** BrainWeb simulates 0-9 % noise and 0-40 % non-uniformity; the middle of those ranges is drawn here. */
export const DEFAULT_SUBJECT_RANGES: Readonly<VirtualSubjectRanges> = Object.freeze({
  variability: [0.02, 0.05],
  noiseLevel: [0.01, 0.05],
  biasLevel: [0, 0.4],
} satisfies VirtualSubjectRanges);

export function validateSubjectRanges(r: VirtualSubjectRanges): void {
  for (const [name, [lo, hi]] of Object.entries(r) as Array<[string, [number, number]]>) {
    if (!(lo >= 0 && hi >= lo && hi < 1)) throw new ConfigError(`Virtual subject range ${name} must satisfy 0 <= low <= high < 1, got [${lo}, ${hi}].`);
  }
}

/** Draws a virtual subject from a seed: the same seed gives the same subject. */
export function drawVirtualSubject(seed: number, ranges: VirtualSubjectRanges = DEFAULT_SUBJECT_RANGES): VirtualSubject {
  validateSubjectRanges(ranges);
  const random = seededRandom(seed);
  return {
    seed,
    tissues: drawTissueParameters(random.fork(1)),
    variability: random.between(...ranges.variability),
    noiseLevel: random.between(...ranges.noiseLevel),
    biasLevel: random.between(...ranges.biasLevel),
  };
}
