import { resize2d, type ResampleMethod } from '@meddiff/imaging';
import type { MedCDiffTask } from '../config';
import { gaussianFilter } from '../baselines/gaussianFilter';
import { harmonicInpaint } from '../baselines/harmonicInpainting';
import { medianFilter } from '../baselines/medianFilter';
import { nonLocalMeans } from '../baselines/nonLocalMeans';
import type { EvaluationCase } from './cases';

/** A method the model is compared with: no learning, one output per case. */
export interface Baseline {
  name: string;
  /** One line for the report: what it does. */
  description: string;
  apply(c: EvaluationCase): Float32Array;
}

/** Results are clipped to the data's [-1, 1] range, as the model's samples are (x0 clipping). */
function clip(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! < -1 ? -1 : a[i]! > 1 ? 1 : a[i]!;
  return a;
}

const INTERPOLATIONS: ReadonlyArray<[ResampleMethod, string]> = [
  ['nearest', 'nearest-neighbour interpolation (the floor)'],
  ['bilinear', 'bilinear interpolation'],
  ['bicubic', 'bicubic interpolation (Keys, a = -0.5); also the model\'s condition'],
  ['lanczos', 'Lanczos interpolation (a = 3)'],
];

/**
 * The baselines of a task. Super-resolution: interpolation of the low-resolution slice onto the
 * output grid. Denoising: a 3 x 3 median filter (impulse noise), a Gaussian filter of
 * `gaussianSigma` px (Gaussian noise), and the median followed by non-local means of strength
 * `nonLocalMeansH` (both; plain non-local means keeps the impulses). Inpainting: harmonic fill.
 */
export function baselinesFor(task: MedCDiffTask, options: { gaussianSigma: number; nonLocalMeansH: number }): Baseline[] {
  switch (task) {
    case 'super-resolution':
      return INTERPOLATIONS.map(([method, description]) => ({
        name: method,
        description,
        apply: (c) => clip(resize2d(c.input, c.inputRows, c.inputCols, c.rows, c.cols, method)),
      }));
    case 'denoising':
      return [
        { name: 'median 3x3', description: '3 x 3 median filter', apply: (c) => clip(medianFilter(c.input, c.rows, c.cols, 3)) },
        { name: `gaussian s=${options.gaussianSigma}`, description: `Gaussian filter, sigma ${options.gaussianSigma} px (chosen on held-out training slices)`, apply: (c) => clip(gaussianFilter(c.input, c.rows, c.cols, options.gaussianSigma)) },
        {
          name: `median + NLM h=${options.nonLocalMeansH}`,
          description: `3 x 3 median, then non-local means (5 x 5 patches, 11 x 11 window, noise estimated per slice, h ${options.nonLocalMeansH} chosen on held-out training slices)`,
          apply: (c) => clip(nonLocalMeans(medianFilter(c.input, c.rows, c.cols, 3), c.rows, c.cols, { h: options.nonLocalMeansH })),
        },
      ];
    case 'inpainting':
      return [{ name: 'harmonic', description: 'harmonic fill: Laplace\'s equation in the hole, the known pixels as boundary (SOR)', apply: (c) => clip(harmonicInpaint(c.input, c.rows, c.cols, c.mask!, { tolerance: 1e-5 }).image) }];
  }
}
