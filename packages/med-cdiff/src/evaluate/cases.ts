import { mixSeed } from '@meddiff/diffusion-core';
import { resize2d } from '@meddiff/imaging';
import type { DegradationConfig, MedCDiffTask } from '../config';
import { boxMask, maskCoverage, strokeMask } from '../degradations/masks';
import { gaussianAndSaltPepper } from '../degradations/noise';
import { seededRandom } from '../degradations/random';
import { lowResolutionSize } from '../degradations/superResolution';

/** One validation slice, degraded once with a fixed seed: what the model and every baseline get. */
export interface EvaluationCase {
  /** Index of the slice in the split. */
  index: number;
  /** The clean slice in [-1, 1], rows x cols. */
  truth: Float32Array;
  rows: number;
  cols: number;
  /** The degraded input: the low-resolution slice (super-resolution), the noisy slice, or the slice with the hole set to 0. */
  input: Float32Array;
  inputRows: number;
  inputCols: number;
  /** Inpainting: 1 where pixels are to be generated (and scored). */
  mask?: Uint8Array;
  /** What was drawn for this slice, for the report. */
  draw: Record<string, number | string>;
}

/** The cases of one setting: a super-resolution factor, or the whole denoising / inpainting task. */
export interface EvaluationCondition {
  /** File-name-safe id: 'x2', 'x2.828', 'denoising', 'inpainting'. */
  id: string;
  title: string;
  factor?: number;
  cases: EvaluationCase[];
}

export interface SliceSource {
  /** count slices of rows x cols, contiguous. */
  data: Float32Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * The largest side s <= size whose low-resolution grid comes back to exactly s pixels:
 * round(round(s / factor) * factor) = s. For integer factors dividing the side that is the side
 * itself; for 2 sqrt 2 on 128 px it is 127. The truth is cropped to it, so that the model's output
 * grid (round(low-res side x factor), as the pipeline makes it) matches the truth pixel for pixel.
 */
export function superResolutionSide(size: number, factor: number): number {
  for (let s = size; s > 1; s--) if (Math.round(Math.max(1, Math.round(s / factor)) * factor) === s) return s;
  return size;
}

function crop(data: Float32Array, cols: number, outRows: number, outCols: number): Float32Array {
  const out = new Float32Array(outRows * outCols);
  for (let y = 0; y < outRows; y++) out.set(data.subarray(y * cols, y * cols + outCols), y * outCols);
  return out;
}

export function factorId(factor: number): string {
  return `x${+factor.toFixed(3)}`;
}

/**
 * Degrades `count` slices (all, or evenly spaced over the split) as the model was trained to undo, with a seed fixed per slice
 * (mixSeed(seed, index)), so every run, model and baseline sees the same inputs:
 * super-resolution: one condition per trained factor, area downsampling (the training
 * degradation's first half; the pipeline does the bicubic upsampling itself);
 * denoising: Gaussian sigma and impulse share drawn from the config's ranges, then the noise;
 * inpainting: a box or stroke mask of the config's kinds and coverage range.
 */
export function evaluationConditions(task: MedCDiffTask, slices: SliceSource, degradation: DegradationConfig, seed: number, count = slices.count): EvaluationCondition[] {
  const n = Math.min(count, slices.count);
  const { rows, cols } = slices;
  const clean = (k: number) => slices.data.subarray(k * rows * cols, (k + 1) * rows * cols);
  // The split is stored volume by volume: a capped count takes slices evenly spaced over it, so every volume can appear.
  const indices = Array.from({ length: n }, (_, k) => Math.floor((k * slices.count) / n));
  switch (task) {
    case 'super-resolution':
      return degradation.factors.map((factor) => {
        const outRows = superResolutionSide(rows, factor);
        const outCols = superResolutionSide(cols, factor);
        const [lr, lc] = lowResolutionSize(outRows, outCols, factor);
        return {
          id: factorId(factor),
          title: `super-resolution ${factorId(factor)} (${lr} x ${lc} -> ${outRows} x ${outCols})`,
          factor,
          cases: indices.map((k) => {
            const truth = crop(clean(k), cols, outRows, outCols);
            return { index: k, truth, rows: outRows, cols: outCols, input: resize2d(truth, outRows, outCols, lr, lc, 'area'), inputRows: lr, inputCols: lc, draw: { factor } };
          }),
        };
      });
    case 'denoising':
      return [
        {
          id: 'denoising',
          title: 'denoising',
          cases: indices.map((k) => {
            const random = seededRandom(mixSeed(seed, k));
            const sigma = random.uniform(...degradation.gaussianSigma);
            const saltPepper = random.uniform(...degradation.saltPepper);
            const truth = clean(k).slice();
            return { index: k, truth, rows, cols, input: gaussianAndSaltPepper(truth, sigma, saltPepper, random), inputRows: rows, inputCols: cols, draw: { sigma, saltPepper } };
          }),
        },
      ];
    case 'inpainting':
      return [
        {
          id: 'inpainting',
          title: 'inpainting',
          cases: indices.map((k) => {
            const random = seededRandom(mixSeed(seed, k));
            const kind = degradation.maskKinds[random.integer(0, degradation.maskKinds.length)]!;
            const coverage = random.uniform(...degradation.maskCoverage);
            const mask = kind === 'box' ? boxMask(rows, cols, coverage, random) : strokeMask(rows, cols, coverage, random);
            const truth = clean(k).slice();
            return { index: k, truth, rows, cols, mask, input: truth.map((v, i) => (mask[i] ? 0 : v)), inputRows: rows, inputCols: cols, draw: { mask: kind, coverage: maskCoverage(mask) } };
          }),
        },
      ];
  }
}
