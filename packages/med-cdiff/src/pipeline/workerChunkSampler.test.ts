import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, selectBackend } from '@meddiff/diffusion-core';
import { medCDiffConfig } from '../config';
import { MedCDiffModel } from '../model';
import { MedCDiffPipeline } from './medCDiffPipeline';
import { workerChunkSampler } from './workerChunkSampler';


/** A 40 x 52 slice: at the tiny preset's 16 px tiles, 12 tiles, 3 chunks of 4. */
const slice = { data: Float32Array.from({ length: 40 * 52 }, (_, i) => 300 + 100 * Math.sin(i / 7) + (i % 52)), shape: [40, 52] as const };
const options = { sampler: 'ddim' as const, steps: 3, seed: 5, samples: 2 };

describe('workerChunkSampler', () => {
  let model: MedCDiffModel;
  let local: MedCDiffPipeline;
  beforeAll(async () => {
    await selectBackend({ preferred: ['wasm'] });
    model = MedCDiffModel.create(medCDiffConfig('denoising', 'tiny'));
    local = new MedCDiffPipeline(model);
  });
  afterAll(() => local.dispose());

  it('samples on worker threads exactly what the pipeline samples in this thread, and leaves no tensor here', async () => {
    const expected = await local.denoise(slice, options);
    const parallel = new MedCDiffPipeline(model);
    const sampler = await workerChunkSampler(model, { workers: 2 });
    await parallel.useChunkSampler(sampler);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await parallel.denoise(slice, { ...options, onProgress: (p) => progress.push(p.step / p.total) });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.tiles).toBeGreaterThan(1);
    expect(Array.from(result.image.data)).toEqual(Array.from(expected.image.data));
    expect(Array.from(result.std!)).toEqual(Array.from(expected.std!));
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await sampler.dispose();
  });

  it('cancels midway on its signal with CancelledError, and samples again afterwards', async () => {
    const parallel = new MedCDiffPipeline(model);
    const sampler = await workerChunkSampler(model, { workers: 2 });
    await parallel.useChunkSampler(sampler);
    const controller = new AbortController();
    const run = parallel.denoise(slice, { ...options, signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const again = await parallel.denoise(slice, options);
    expect(again.image.data.length).toBe(40 * 52);
    await sampler.dispose();
  });
});
