import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, ConfigError, memoryWeightsStore, selectBackend, WeightsError } from '@meddiff/diffusion-core';
import type { Image2D } from '@meddiff/imaging';
import { resize2d } from '@meddiff/imaging';
import { medCDiffConfig, PAPER_OBJECTIVE, resolveMedCDiffConfig, type MedCDiffConfig, type MedCDiffTask } from '../config';
import { InvalidInputError, UnsupportedRequestError } from '../errors';
import { MedCDiffModel, RESEARCH_USE } from '../model';
import { randomizeWeights, testModelCard } from '../testing';
import { MedCDiffPipeline } from './medCDiffPipeline';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

function pipelineFor(task: MedCDiffTask): MedCDiffPipeline {
  const model = MedCDiffModel.create(medCDiffConfig(task, 'tiny'));
  randomizeWeights(model, 1);
  return new MedCDiffPipeline(model);
}

/** A 20 x 24 MR-like slice in modality units with geometry, as @meddiff/imaging reads one. */
function slice(rows = 20, cols = 24): Image2D {
  const data = Float32Array.from({ length: rows * cols }, (_, i) => 400 + 300 * Math.sin(i / 7) + (i % cols) * 5);
  return {
    data,
    shape: [rows, cols],
    geometry: { spacing: [0.9, 0.8, 3], origin: [-100, -120, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    modality: 'MR',
    source: { format: 'array', files: [] },
  };
}

const fast = { sampler: 'ddim' as const, steps: 3, seed: 1 };

describe('MedCDiffPipeline objectives', () => {
  // A fresh network's output convolution is zero: an x0-predicting model then predicts x0 = 0.
  const fresh = (task: MedCDiffTask, objective: MedCDiffConfig['objective']) => new MedCDiffPipeline(MedCDiffModel.create(medCDiffConfig(task, 'tiny', { objective })));

  it('adds a residual model\'s sample to its condition: zero residual returns the bicubic upsampling and the noisy slice', async () => {
    const residual = { prediction: 'x0' as const, target: 'residual' as const, residualScale: 0.25, minSnrGamma: 0 };
    const input = slice();
    const sr = fresh('super-resolution', residual);
    const up = await sr.superResolve(input, { factor: 2, ...fast });
    const bicubic = resize2d(input.data, 20, 24, 40, 48, 'bicubic');
    const lo = Math.min(...input.data);
    const hi = Math.max(...input.data);
    // Equal up to the normalisation's clipping at its percentiles.
    const inside = Array.from(bicubic.keys()).filter((i) => bicubic[i]! > lo + 20 && bicubic[i]! < hi - 20);
    expect(inside.length).toBeGreaterThan(1000);
    for (const i of inside) expect(up.image.data[i]).toBeCloseTo(bicubic[i]!, 1);
    const dn = fresh('denoising', residual);
    const out = await dn.denoise(input, fast);
    for (const i of [0, 100, 239, 400]) if (input.data[i]! > lo + 20 && input.data[i]! < hi - 20) expect(out.image.data[i]).toBeCloseTo(input.data[i]!, 1);
    // The same network diffusing the image instead predicts mid-grey.
    const image = await fresh('denoising', { ...residual, target: 'image', residualScale: 1 }).denoise(input, fast);
    const mid = (image.normalization.low + image.normalization.high) / 2;
    expect(image.image.data[100]).toBeCloseTo(mid, 0);
  });

  it('refuses a residual objective for inpainting and reads configs saved before objectives existed as the paper\'s', () => {
    expect(() => medCDiffConfig('inpainting', 'tiny', { objective: { prediction: 'v', target: 'residual', residualScale: 0.5, minSnrGamma: 0 } })).toThrow(/does not apply to inpainting/);
    const { objective: _, ...old } = medCDiffConfig('denoising', 'tiny');
    expect(resolveMedCDiffConfig(old as MedCDiffConfig).objective).toEqual(PAPER_OBJECTIVE);
  });
});

describe('MedCDiffPipeline', () => {
  it('super-resolves to the factor times the size, with a finer spacing, and leaks no tensor', async () => {
    const p = pipelineFor('super-resolution');
    const before = tf.memory().numTensors;
    const r = await p.superResolve(slice(), { factor: 2, ...fast });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.image.shape).toEqual([40, 48]);
    expect(r.image.data).toHaveLength(40 * 48);
    expect(r.image.geometry!.spacing).toEqual([0.45, 0.4, 3]);
    // The first pixel centre moves a quarter of an old pixel towards the origin corner.
    expect(r.image.geometry!.origin[0]).toBeCloseTo(-100 - 0.225, 6);
    expect(r.image.modality).toBe('MR');
    expect(r.image.data.every(Number.isFinite)).toBe(true);
    // Denormalised into the input's units: within the normalisation range.
    expect(Math.min(...r.image.data)).toBeGreaterThanOrEqual(r.normalization.low - 1e-3);
    expect(Math.max(...r.image.data)).toBeLessThanOrEqual(r.normalization.high + 1e-3);
    p.dispose();
  });

  it('refuses a factor the weights were not trained for, and another task', async () => {
    const p = pipelineFor('super-resolution');
    await expect(p.superResolve(slice(), { factor: 3 })).rejects.toThrow(/trained for super-resolution by x2, x4, not x3/);
    await expect(p.denoise(slice())).rejects.toBeInstanceOf(UnsupportedRequestError);
    await expect(p.inpaint(slice(), new Uint8Array(480))).rejects.toThrow(/needs inpainting weights, but the loaded weights are a super-resolution model/);
    p.dispose();
  });

  it('denoises at the input size and gives an uncertainty map from several samples', async () => {
    const p = pipelineFor('denoising');
    const r = await p.denoise(slice(), { ...fast, samples: 3 });
    expect(r.image.shape).toEqual([20, 24]);
    expect(r.samples).toBe(3);
    expect(r.std).toHaveLength(480);
    expect(Math.max(...r.std!)).toBeGreaterThan(0);
    const single = await p.denoise(slice(), fast);
    expect(single.std).toBeUndefined();
    p.dispose();
  });

  it('passes its temperature to the sampler: at 0 one image whatever the seed; a negative one is refused', async () => {
    const p = pipelineFor('denoising');
    const spread = async (temperature: number) => (await p.denoise(slice(), { ...fast, samples: 3, temperature })).std!.reduce((a, v) => a + v, 0);
    expect(await spread(0)).toBe(0);
    expect(await spread(0.5)).toBeGreaterThan(0);
    const [a, b] = [await p.denoise(slice(), { ...fast, seed: 1, temperature: 0 }), await p.denoise(slice(), { ...fast, seed: 2, temperature: 0 })];
    expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
    expect(a.temperature).toBe(0);
    await expect(p.denoise(slice(), { ...fast, temperature: -1 })).rejects.toThrow(/temperature must be a number >= 0/);
    p.dispose();
  });

  it("samples at the temperature the model's config names when the caller names none; the caller's wins", async () => {
    const model = MedCDiffModel.create(medCDiffConfig('denoising', 'tiny', { sampling: { temperature: 0.25 } }));
    randomizeWeights(model, 1);
    const p = new MedCDiffPipeline(model);
    const byDefault = await p.denoise(slice(), fast);
    expect(byDefault.temperature).toBe(0.25);
    expect(Array.from(byDefault.image.data)).toEqual(Array.from((await p.denoise(slice(), { ...fast, temperature: 0.25 })).image.data));
    expect((await p.denoise(slice(), { ...fast, temperature: 1 })).temperature).toBe(1);
    expect(() => medCDiffConfig('denoising', 'tiny', { sampling: { temperature: -0.5 } })).toThrow(/sampling.temperature must be a number >= 0/);
    p.dispose();
  });

  it('inpaints only inside the mask and returns the other pixels exactly', async () => {
    const p = pipelineFor('inpainting');
    const input = slice();
    const mask = new Uint8Array(480);
    for (let y = 5; y < 12; y++) for (let x = 6; x < 15; x++) mask[y * 24 + x] = 1;
    const r = await p.inpaint(input, mask, { ...fast, samples: 2 });
    let changed = 0;
    for (let i = 0; i < 480; i++) {
      if (!mask[i]) {
        expect(r.image.data[i]).toBe(input.data[i]);
        expect(r.std![i]).toBe(0);
      } else if (Math.abs(r.image.data[i]! - input.data[i]!) > 1e-3) changed++;
    }
    expect(changed).toBeGreaterThan(30);
    p.dispose();
  });

  it('says what is wrong with a mask', async () => {
    const p = pipelineFor('inpainting');
    await expect(p.inpaint(slice(), new Uint8Array(10))).rejects.toThrow(/mask has 10 values but the slice has 20 x 24 = 480/);
    await expect(p.inpaint(slice(), new Uint8Array(480))).rejects.toThrow(/mask is empty/);
    await expect(p.inpaint(slice(), new Uint8Array(480).fill(1))).rejects.toThrow(/covers the whole slice/);
    p.dispose();
  });

  it('tiles slices larger than the tile size and blends them back to the full size', async () => {
    const p = pipelineFor('denoising');
    const before = tf.memory().numTensors;
    const r = await p.denoise(slice(40, 56), { ...fast, tileSize: 16 });
    expect(r.tiles).toBeGreaterThan(4);
    expect(r.image.shape).toEqual([40, 56]);
    expect(r.image.data.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('is cancelled by its AbortSignal midway, leaving no tensor behind', async () => {
    const p = pipelineFor('denoising');
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = p.denoise(slice(), { sampler: 'ddim', steps: 20, signal: controller.signal, onProgress: ({ step }) => step === 3 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('reports progress over all batches and leaves nothing behind on bad input', async () => {
    const p = pipelineFor('denoising');
    const steps: number[] = [];
    await p.denoise(slice(), { ...fast, tileSize: 32, samples: 3, maxBatch: 2, onProgress: ({ step, total }) => steps.push(step / total) });
    expect(steps).toHaveLength(6);
    expect(steps.at(-1)).toBe(1);
    const before = tf.memory().numTensors;
    const bad = slice();
    bad.data[7] = Number.NaN;
    await expect(p.denoise(bad)).rejects.toThrow(/pixel 7 \(row 0, column 7\) is NaN/);
    await expect(p.denoise({ data: new Float32Array(5), shape: [2, 2] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(p.denoise({ data: new Float32Array(16).fill(3), shape: [4, 4] })).rejects.toThrow(/empty image: the 0.5 and 99.5 percentiles/);
    await expect(p.denoise(slice(), { sampler: 'euler' as never })).rejects.toBeInstanceOf(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('loads saved weights with their card and config, and refuses another model class', async () => {
    const p = pipelineFor('denoising');
    const store = memoryWeightsStore();
    await p.model.save(store, { card: testModelCard('denoising') });
    const loaded = await MedCDiffPipeline.load(store);
    expect(loaded.model.card?.intendedUse).toBe(RESEARCH_USE);
    const [a, b] = [await p.denoise(slice(), fast), await loaded.denoise(slice(), fast)];
    expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
    const json = JSON.parse(new TextDecoder().decode(store.files.get('model.json')!));
    json.userDefinedMetadata.meddiff.modelClass = 'CDM';
    store.files.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
    await expect(MedCDiffPipeline.load(store)).rejects.toBeInstanceOf(WeightsError);
    p.dispose();
    loaded.dispose();
  });
});

describe('MedCDiffPipeline seeds', () => {
  it('seeds each chunk apart, so that the calls of a series (seed + first slice) never repeat noise', async () => {
    const p = pipelineFor('denoising');
    const seeds: number[] = [];
    await p.useChunkSampler({
      concurrency: 1,
      sample: async (chunk) => (seeds.push(chunk.seed), new Float32Array(chunk.batch * chunk.rows * chunk.cols)),
      dispose: async () => {},
    });
    try {
      const slices = Array.from({ length: 4 }, () => slice());
      // Several chunks a call (4 slices x 3 samples x their tiles, 4 a chunk); the second call starts at seed + 1.
      await p.denoiseSlices(slices, { ...fast, samples: 3, maxBatch: 4, seed: 5 });
      await p.denoiseSlices(slices, { ...fast, samples: 3, maxBatch: 4, seed: 6 });
      expect(seeds.length).toBeGreaterThanOrEqual(6);
      expect(new Set(seeds).size).toBe(seeds.length);
    } finally {
      p.dispose();
    }
  });
});
