import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, type WeightsStore } from '@meddiff/diffusion-core';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { computeNormalization, IDENTITY_DIRECTION, readNifti, volumeSlice, writeNifti } from '@meddiff/imaging';
import { MedCDiffPipeline, SERIES_SLICES_PER_CALL, type MedCDiffTask } from '@meddiff/med-cdiff';
import { SLICES_PER_CALL } from '../state/imageSeriesRun.js';
import { runModel } from '@meddiff/med-cdiff/node';
import { testCard, testImage, testModel, tinyModelStore } from '../testing/tinyModel.js';
import type { TaskProgress, ImageTaskRequest } from '../model/taskTypes.js';
import { runSeriesTask, runTask, validateRequest } from './runTask.js';

// Med-cDiff trains one model per task: one small test model each.
const pipelines: Partial<Record<ImageTaskRequest['task']['kind'], MedCDiffPipeline>> = {};
let store: WeightsStore;

beforeAll(async () => {
  store = await tinyModelStore('denoising');
  pipelines.denoise = await MedCDiffPipeline.load(store);
  pipelines['super-resolve'] = await MedCDiffPipeline.load(await tinyModelStore('super-resolution'));
  pipelines.inpaint = await MedCDiffPipeline.load(await tinyModelStore('inpainting'));
});

/** runTask on the test model for the request's task. */
function runOn(req: ImageTaskRequest, ...rest: [Parameters<typeof runTask>[2], Parameters<typeof runTask>[3], Parameters<typeof runTask>[4]]) {
  return runTask(pipelines[req.task.kind]!, req, ...rest);
}

function request(partial: Partial<ImageTaskRequest> = {}): ImageTaskRequest {
  return {
    task: { kind: 'denoise' },
    image: { pixels: testImage(16, 16), rows: 16, columns: 16 },
    options: { sampler: 'ddim', steps: 2, seed: 3, samples: 1 },
    modelUrl: 'memory://',
    ...partial,
  };
}

const never = new AbortController().signal;

describe('runTask', () => {
  it('super-resolves x2 to twice the size, in modality units, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const progress: TaskProgress[] = [];
    const r = await runOn(request({ task: { kind: 'super-resolve', factor: 2 } }), 'wasm', never, (p) => progress.push(p));
    expect(tf.memory().numTensors).toBe(before);
    expect([r.rows, r.columns]).toEqual([32, 32]);
    expect(r.pixels).toHaveLength(32 * 32);
    // The test model was trained at 16 px: the 32 px result is made of overlapping 16 px tiles.
    expect(r.tiles).toBeGreaterThan(1);
    expect(r.std).toBeUndefined();
    // Denormalised with the input's percentiles: values stay within the input's range.
    const input = testImage(16, 16);
    const lo = Math.min(...input);
    const hi = Math.max(...input);
    for (const v of r.pixels) {
      expect(v).toBeGreaterThanOrEqual(lo - 1e-3);
      expect(v).toBeLessThanOrEqual(hi + 1e-3);
    }
    // Progress counts network calls: tiles go through in batches of 4, each batch 2 steps.
    const calls = Math.ceil(r.tiles / 4) * 2;
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
    expect(progress.at(-1)).toMatchObject({ done: calls, total: calls });
  });

  it('gives the same result for the same seed and a different one for another seed', async () => {
    const a = await runOn(request(), 'wasm', never, () => undefined);
    const b = await runOn(request(), 'wasm', never, () => undefined);
    const c = await runOn(request({ options: { sampler: 'ddim', steps: 2, seed: 4, samples: 1 } }), 'wasm', never, () => undefined);
    expect(Array.from(a.pixels)).toEqual(Array.from(b.pixels));
    expect(Array.from(a.pixels)).not.toEqual(Array.from(c.pixels));
  });

  it('tiles a slice larger than the size the model was trained on (the pipeline tiles) and counts progress over tiles and samples', async () => {
    const progress: TaskProgress[] = [];
    const r = await runOn(request({ image: { pixels: testImage(40, 100), rows: 40, columns: 100 }, options: { sampler: 'dpm-solver', steps: 2, seed: 0, samples: 2 } }), 'wasm', never, (p) => progress.push(p));
    expect(r.tiles).toBeGreaterThan(1);
    expect([r.rows, r.columns]).toEqual([40, 100]);
    expect(progress.at(-1)).toMatchObject({ done: progress.at(-1)!.total });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: progress.length }, (_, i) => i + 1));
    // Two samples: a per-pixel spread, non-negative and not zero everywhere.
    expect(r.std).toHaveLength(40 * 100);
    expect(Math.min(...r.std!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.std!)).toBeGreaterThan(0);
  });

  it('inpaints only the masked pixels and returns the others exactly', async () => {
    const rows = 32;
    const columns = 32;
    const pixels = testImage(rows, columns);
    const mask = new Uint8Array(rows * columns);
    for (let y = 1; y < 7; y++) for (let x = 1; x < 7; x++) mask[y * columns + x] = 1;
    const progress: TaskProgress[] = [];
    const r = await runOn(request({ task: { kind: 'inpaint' }, image: { pixels, rows, columns }, mask }), 'wasm', never, (p) => progress.push(p));
    let changed = 0;
    for (let i = 0; i < pixels.length; i++) {
      if (mask[i] === 0) expect(r.pixels[i]).toBe(pixels[i]);
      else if (r.pixels[i] !== pixels[i]) changed++;
    }
    expect(changed).toBeGreaterThan(20);
    expect(progress.at(-1)?.total).toBe(Math.ceil(r.tiles / 4) * 2);
  });

  it('stops when cancelled, throws CancelledError and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const run = runOn(request({ options: { sampler: 'ddpm', steps: 50, seed: 0, samples: 1 } }), 'wasm', abort.signal, (p) => {
      if (p.done === 3) abort.abort();
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad requests with typed errors that say what to do', () => {
    expect(() => validateRequest(request({ task: { kind: 'inpaint' } }))).toThrow(/Rectangle annotation/);
    expect(() => validateRequest(request({ task: { kind: 'super-resolve', factor: 3 as 2 } }))).toThrow(/factor must be 2 or 4/);
    expect(() => validateRequest(request({ image: { pixels: new Float32Array(10), rows: 16, columns: 16 } }))).toThrow(/256 were expected/);
    expect(() => validateRequest(request({ task: { kind: 'super-resolve', factor: 4 }, image: { pixels: new Float32Array(1200 * 1200), rows: 1200, columns: 1200 } }))).toThrow(expect.objectContaining({ code: 'IMAGE_TOO_LARGE' }));
    expect(() => validateRequest(request({ options: { sampler: 'euler' as 'ddim', steps: 2, seed: 0, samples: 1 } }))).toThrow(/Allowed: dpm-solver, ddim, ddpm/);
    expect(() => validateRequest(request({ options: { sampler: 'ddim', steps: 0, seed: 0, samples: 1 } }))).toThrow(/Steps must be/);
    const nan = testImage(16, 16);
    nan[5] = Number.NaN;
    expect(() => validateRequest(request({ image: { pixels: nan, rows: 16, columns: 16 } }))).toThrow(/non-finite value at pixel 5/);
  });

  it('refuses a uniform slice, which cannot be normalised', async () => {
    await expect(runOn(request({ image: { pixels: new Float32Array(256).fill(7), rows: 16, columns: 16 } }), 'wasm', never, () => undefined)).rejects.toMatchObject({ code: 'UNIFORM_IMAGE' });
  });
});

describe('the viewer and the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The test model for `task` saved as a model folder, as the CLI and the viewer load one. */
  async function modelFolder(task: MedCDiffTask): Promise<string> {
    const folder = join(dir, task);
    const model = testModel(task);
    try {
      await model.save(fileWeightsStore(folder), { card: testCard(task) });
    } finally {
      model.dispose();
    }
    return folder;
  }

  it('give the same pixels for a whole series: the CLI runs the viewer\'s calls of SLICES_PER_CALL slices with the series\' range (denoising, 6 slices)', async () => {
    expect(SLICES_PER_CALL).toBe(SERIES_SLICES_PER_CALL);
    const [depth, rows, columns] = [6, 20, 24];
    const data = new Float32Array(depth * rows * columns);
    for (let k = 0; k < depth; k++) data.set(testImage(rows, columns).map((v) => v * (1 + 0.1 * k)), k * rows * columns);
    const input = join(dir, 'series.nii');
    const geometry = { spacing: [1, 1, 3] as const, origin: [0, 0, 0] as const, direction: IDENTITY_DIRECTION };
    const volume = { data, shape: [depth, rows, columns] as const, geometry, source: { format: 'array' as const, files: [] } };
    writeFileSync(input, writeNifti(volume));
    const folder = await modelFolder('denoising');
    const out = join(dir, 'cli-series.nii');
    await runModel({ model: folder, input, out, allSlices: true, sampler: 'ddim', steps: 2, seed: 5, backend: 'wasm', workers: 1 });
    const cli = readNifti(readFileSync(out)).volume;

    const pipeline = await MedCDiffPipeline.load(fileWeightsStore(folder));
    try {
      const { low, high } = computeNormalization(data, pipeline.model.config.normalization);
      const viewer: number[] = [];
      for (let first = 0; first < depth; first += SLICES_PER_CALL) {
        const images = Array.from({ length: Math.min(SLICES_PER_CALL, depth - first) }, (_, i) => ({ pixels: data.slice((first + i) * rows * columns, (first + i + 1) * rows * columns), rows, columns }));
        const r = await runSeriesTask(pipeline, { task: { kind: 'denoise' }, images, normalization: { low, high }, options: { sampler: 'ddim', steps: 2, seed: 5 + first, samples: 1 }, modelUrl: 'memory://' }, 'wasm', never, () => undefined);
        viewer.push(...r.pixels);
      }
      expect(cli.shape).toEqual([depth, rows, columns]);
      expect(viewer).toEqual(Array.from(cli.data));
    } finally {
      pipeline.dispose();
    }
  });

  it('give the same pixels for the same slice, model, seed and options (super-resolution x2, tiled, two samples)', async () => {
    const [rows, columns] = [40, 36];
    const input = join(dir, 'slice.nii');
    const geometry = { spacing: [1, 1, 3] as const, origin: [0, 0, 0] as const, direction: IDENTITY_DIRECTION };
    writeFileSync(input, writeNifti({ data: testImage(rows, columns), shape: [1, rows, columns], geometry, source: { format: 'array', files: [] } }));
    const folder = await modelFolder('super-resolution');
    const out = join(dir, 'cli.nii');
    await runModel({ model: folder, input, out, factor: 2, sampler: 'ddim', steps: 2, seed: 5, samples: 2, backend: 'wasm', workers: 1 });
    const cli = readNifti(readFileSync(out)).volume;

    const slice = volumeSlice(readNifti(readFileSync(input)).volume, 0);
    const pipeline = await MedCDiffPipeline.load(fileWeightsStore(folder));
    try {
      const viewer = await runTask(pipeline, request({ task: { kind: 'super-resolve', factor: 2 }, image: { pixels: slice.data, rows, columns }, options: { sampler: 'ddim', steps: 2, seed: 5, samples: 2 } }), 'wasm', never, () => undefined);
      expect(viewer.tiles).toBeGreaterThan(1);
      expect(cli.shape).toEqual([1, viewer.rows, viewer.columns]);
      expect(Array.from(viewer.pixels)).toEqual(Array.from(cli.data));
    } finally {
      pipeline.dispose();
    }
  });
});
