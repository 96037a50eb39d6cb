import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, selectBackend } from '@meddiff/diffusion-core';
import type { Image2D } from '@meddiff/imaging';
import { medCDiffConfig, type MedCDiffTask } from '../config';
import { InvalidInputError } from '../errors';
import { MedCDiffModel } from '../model';
import { randomizeWeights } from '../testing';
import { MedCDiffPipeline } from './medCDiffPipeline';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

function pipelineFor(task: MedCDiffTask): MedCDiffPipeline {
  const model = MedCDiffModel.create(medCDiffConfig(task, 'tiny'));
  randomizeWeights(model, 1);
  return new MedCDiffPipeline(model);
}

/** Slice k of a small MR-like series: 16 x 16, one slice thickness (3 mm) above the one before. */
function slice(k: number, rows = 16, cols = 16): Image2D {
  return {
    data: Float32Array.from({ length: rows * cols }, (_, i) => 400 + 300 * Math.sin((i + 5 * k) / 7) + (i % cols) * 5),
    shape: [rows, cols],
    geometry: { spacing: [0.9, 0.8, 3], origin: [-100, -120, 40 + 3 * k], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    modality: 'MR',
    source: { format: 'array', files: [] },
  };
}

const fast = { sampler: 'ddim' as const, steps: 3, seed: 1 };

describe('MedCDiffPipeline on several slices at once', () => {
  it('batches the slices of a series through the network together: 3 slices of one tile are one network call a step', async () => {
    const p = pipelineFor('denoising');
    const before = tf.memory().numTensors;
    const totals: number[] = [];
    const slices = [0, 1, 2].map((k) => slice(k));
    const out = await p.denoiseSlices(slices, { ...fast, maxBatch: 4, onProgress: ({ total }) => totals.push(total) });
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(totals)).toEqual(new Set([3]));
    expect(out).toHaveLength(3);
    out.forEach((r, k) => {
      expect(r.image.shape).toEqual([16, 16]);
      expect(r.image.geometry.origin).toEqual(slices[k]!.geometry.origin);
      expect(r.image.data.every(Number.isFinite)).toBe(true);
    });
    // Each slice gets its own result, not a copy of its neighbour's.
    expect(out[0]!.image.data).not.toEqual(out[1]!.image.data);
    // Two samples of 3 slices are 6 images: two calls of at most 4 a step.
    const two: number[] = [];
    const spread = await p.denoiseSlices(slices, { ...fast, samples: 2, maxBatch: 4, onProgress: ({ total }) => two.push(total) });
    expect(two[0]).toBe(2 * 3);
    expect(spread.every((r) => r.std && r.std.some((v) => v > 0))).toBe(true);
    p.dispose();
  });

  it('a series with the volume\'s normalisation: every slice in the same units, a uniform slice included', async () => {
    const p = pipelineFor('super-resolution');
    const uniform: Image2D = { ...slice(1), data: new Float32Array(16 * 16).fill(0) };
    const normalization = { low: 0, high: 900, method: 'fixed' as const };
    await expect(p.superResolveSlices([slice(0), uniform], { ...fast, factor: 2 })).rejects.toThrow(/no contrast/);
    const out = await p.superResolveSlices([slice(0), uniform], { ...fast, factor: 2, normalization });
    expect(out.map((r) => r.image.shape)).toEqual([[32, 32], [32, 32]]);
    expect(out.map((r) => r.normalization)).toEqual([normalization, normalization]);
    // x2: half the spacing, and the slice's own position along the normal kept.
    expect(out[1]!.image.geometry.spacing).toEqual([0.45, 0.4, 3]);
    expect(out[1]!.image.geometry.origin[2]).toBe(43);
    p.dispose();
  });

  it('inpaints each slice inside its own mask and keeps every other pixel exactly', async () => {
    const p = pipelineFor('inpainting');
    const slices = [slice(0), slice(1)];
    const masks = [0, 1].map((k) => Uint8Array.from({ length: 16 * 16 }, (_, i) => (Math.floor(i / 16) >= 4 + 6 * k && Math.floor(i / 16) < 8 + 6 * k && i % 16 > 5 && i % 16 < 12 ? 1 : 0)));
    const out = await p.inpaintSlices(slices, masks, fast);
    out.forEach((r, k) => {
      for (let i = 0; i < masks[k]!.length; i++) if (!masks[k]![i]) expect(r.image.data[i]).toBe(slices[k]!.data[i]);
      expect(r.image.data.some((v, i) => masks[k]![i] && v !== slices[k]!.data[i])).toBe(true);
    });
    await expect(p.inpaintSlices(slices, [masks[0]!], fast)).rejects.toThrow(/1 masks for 2 slices/);
    await expect(p.inpaintSlices(slices, [masks[0]!, new Uint8Array(16 * 16)], fast)).rejects.toThrow(/mask of slice 1 is empty/);
    p.dispose();
  });

  it('refuses no slices and slices of different sizes, and stops on cancel leaving no tensor', async () => {
    const p = pipelineFor('denoising');
    await expect(p.denoiseSlices([], fast)).rejects.toThrow(InvalidInputError);
    await expect(p.denoiseSlices([slice(0), slice(1, 16, 24)], fast)).rejects.toThrow(/slice 1 is 16 x 24 but slice 0 is 16 x 16/);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = p.denoiseSlices([slice(0), slice(1), slice(2)], { sampler: 'ddim', steps: 20, maxBatch: 1, signal: controller.signal, onProgress: ({ step }) => step === 3 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });
});
