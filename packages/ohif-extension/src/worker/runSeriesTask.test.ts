import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MedCDiffPipeline } from '@meddiff/med-cdiff';
import { testImage, tinyModelStore } from '../testing/tinyModel.js';
import type { ImageSeriesRequest, TaskProgress } from '../model/taskTypes.js';
import { runSeriesTask, validateSeriesRequest } from './runTask.js';

let denoising: MedCDiffPipeline;
beforeAll(async () => {
  denoising = await MedCDiffPipeline.load(await tinyModelStore('denoising'));
});

const slice = (k: number) => ({ pixels: testImage(16, 16).map((v, i) => v + 10 * k + 5 * Math.sin(i)), rows: 16, columns: 16 });
function request(partial: Partial<ImageSeriesRequest> = {}): ImageSeriesRequest {
  return { task: { kind: 'denoise' }, images: [0, 1, 2].map(slice), options: { sampler: 'ddim', steps: 2, seed: 3, samples: 1 }, modelUrl: 'memory://', ...partial };
}

describe('runSeriesTask: several slices of a series in one pipeline call', () => {
  it('returns the slices stacked in order, batched into one network call a step, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const progress: TaskProgress[] = [];
    const r = await runSeriesTask(denoising, request(), 'wasm', new AbortController().signal, (p) => progress.push(p));
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ rows: 16, columns: 16, depth: 3, samples: 1, backend: 'wasm' });
    expect(r.pixels).toHaveLength(3 * 256);
    // 3 slices of one tile fit one batch of 4: 2 steps are 2 network calls.
    expect(progress.map((p) => [p.done, p.total])).toEqual([[1, 2], [2, 2]]);
    expect(r.pixels.subarray(0, 256)).not.toEqual(r.pixels.subarray(256, 512));
  });

  it('normalises a uniform slice with the series\' range, and refuses it without one', async () => {
    const uniform = { pixels: new Float32Array(256).fill(0), rows: 16, columns: 16 };
    expect(() => validateSeriesRequest(request({ images: [slice(0), uniform] }))).toThrow(/single value everywhere/);
    const r = await runSeriesTask(denoising, request({ images: [slice(0), uniform], normalization: { low: 0, high: 1000 } }), 'wasm', new AbortController().signal, () => undefined);
    expect(r.depth).toBe(2);
    expect(r.pixels.every(Number.isFinite)).toBe(true);
  });

  it('refuses slices of different sizes, a bad range and masks that do not match, naming the slice', () => {
    expect(() => validateSeriesRequest(request({ images: [slice(0), { pixels: new Float32Array(12), rows: 3, columns: 4 }] }))).toThrow(/slice 2 is 3 x 4, slice 1 is 16 x 16/);
    expect(() => validateSeriesRequest(request({ images: [] }))).toThrow(/no slices/);
    expect(() => validateSeriesRequest(request({ normalization: { low: 5, high: 5 } }))).toThrow(/high > low, got 5 to 5/);
    expect(() => validateSeriesRequest(request({ task: { kind: 'inpaint' }, masks: [new Uint8Array(256).fill(1)] }))).toThrow(/region/);
    const bad = { pixels: Float32Array.from(testImage(16, 16), (v, i) => (i === 7 ? NaN : v)), rows: 16, columns: 16 };
    expect(() => validateSeriesRequest(request({ images: [slice(0), bad] }))).toThrow(/non-finite value at pixel 7 \(slice 2 of 2\)/);
  });
});
