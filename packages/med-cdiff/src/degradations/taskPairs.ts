import type { DegradationConfig, MedCDiffTask } from '../config';
import { boxMask, strokeMask, type InpaintingMask } from './masks';
import { gaussianAndSaltPepper } from './noise';
import type { Random } from './random';
import { downsampleThenUpsample } from './superResolution';

/** What the network is conditioned on for one image, channels last (H, W, C). */
export interface Condition {
  /** rows * cols * conditionChannels(task) values. */
  data: Float32Array;
  /** Inpainting only: the region to generate. */
  mask?: InpaintingMask;
  /** Super-resolution only: the factor used. */
  factor?: number;
}

/** The inpainting condition: the known image with the hole set to 0, and the mask, interleaved. */
export function inpaintingCondition(image: Float32Array, mask: ArrayLike<number>): Float32Array {
  const out = new Float32Array(image.length * 2);
  for (let i = 0; i < image.length; i++) {
    const hole = mask[i] ? 1 : 0;
    out[2 * i] = hole ? 0 : image[i]!;
    out[2 * i + 1] = hole;
  }
  return out;
}

/** Degrades a clean image (values in [-1, 1]) for the task, drawing the degradation's parameters. */
export function degradeForTask(task: MedCDiffTask, clean: Float32Array, rows: number, cols: number, d: DegradationConfig, random: Random): Condition {
  switch (task) {
    case 'super-resolution': {
      const factor = d.factors[random.integer(0, d.factors.length)]!;
      return { data: downsampleThenUpsample(clean, rows, cols, factor), factor };
    }
    case 'denoising':
      return { data: gaussianAndSaltPepper(clean, random.uniform(...d.gaussianSigma), random.uniform(...d.saltPepper), random) };
    case 'inpainting': {
      const kind = d.maskKinds[random.integer(0, d.maskKinds.length)]!;
      const coverage = random.uniform(...d.maskCoverage);
      const mask = kind === 'box' ? boxMask(rows, cols, coverage, random) : strokeMask(rows, cols, coverage, random);
      return { data: inpaintingCondition(clean, mask), mask };
    }
  }
}
