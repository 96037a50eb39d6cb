import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '@meddiff/diffusion-core';
import type { ImageGeometry } from '@meddiff/imaging';
import type { PlacedImage, TaskProgress, TranslateRequest } from '../model/taskTypes.js';
import { tinyCdmStore } from '../testing/tinyCdm.js';
import { testImage, tinyModelStore } from '../testing/tinyModel.js';
import { loadWorkerModel } from './loadWorkerModel.js';
import type { WorkerModel } from './workerModel.js';

let cdm: WorkerModel;
let medCDiff: WorkerModel;

beforeAll(async () => {
  cdm = await loadWorkerModel(await tinyCdmStore(), 'cdm');
  medCDiff = await loadWorkerModel(await tinyModelStore('denoising'));
});

const GEOMETRY: ImageGeometry = { spacing: [0.9, 0.9, 3], origin: [-90, -100, 20], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

function source(phase: number, change: Partial<PlacedImage> = {}): PlacedImage {
  const pixels = testImage(20, 24).map((v, i) => v + 50 * Math.sin(i / 5 + phase));
  return { pixels, rows: 20, columns: 24, geometry: GEOMETRY, frameOfReferenceUID: '1.2.3', ...change };
}

function request(change: Partial<TranslateRequest> = {}): TranslateRequest {
  return { task: { kind: 'translate', target: 'FLAIR' }, sources: { T1: source(0), T2: source(1) }, options: { sampler: 'dpm-solver', steps: 4, seed: 2, samples: 1 }, modelUrl: 'memory://', ...change };
}

const context = (signal = new AbortController().signal, onProgress: (p: TaskProgress) => void = () => undefined) => ({ backend: 'wasm' as const, signal, onProgress });

describe('the worker\'s CDM model', () => {
  it('states what it translates on its card', () => {
    expect(cdm.card).toMatchObject({ name: 'CDM T1 + T2 to FLAIR, PD', family: 'cdm', tasks: ['translate'], modalities: { sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] } });
    expect(cdm.card.intendedUse).toMatch(/unit tests only/);
  });

  it('translates a slice position to the target on the sources\' grid, with progress by stage, and leaves no tensor', async () => {
    const before = tf.memory().numTensors;
    const progress: TaskProgress[] = [];
    const r = await cdm.run(request(), context(undefined, (p) => progress.push(p)));
    expect(tf.memory().numTensors).toBe(before);
    expect([r.rows, r.columns, r.pixels.length, r.tiles, r.samples, r.backend]).toEqual([20, 24, 480, 1, 1, 'wasm']);
    expect(r.pixels.every(Number.isFinite)).toBe(true);
    expect(Math.max(...r.pixels)).toBeGreaterThan(Math.min(...r.pixels));
    expect(r.std).toBeUndefined();
    // encode, four DDIM steps of the MDN, one C-UNet pass.
    expect(progress.map((p) => `${p.stage}:${p.done}/${p.total}`)).toEqual(['encode:1/6', 'sample:2/6', 'sample:3/6', 'sample:4/6', 'sample:5/6', 'translate:6/6']);
    // Same seed, same result; PD is another output.
    expect((await cdm.run(request(), context())).pixels).toEqual(r.pixels);
    expect((await cdm.run(request({ task: { kind: 'translate', target: 'PD' } }), context())).pixels).not.toEqual(r.pixels);
  });

  it('gives the spread of several MDN draws', async () => {
    const r = await cdm.run(request({ options: { sampler: 'ddim', steps: 3, seed: 0, samples: 3 } }), context());
    expect(r.samples).toBe(3);
    expect(r.std).toHaveLength(480);
    expect(Math.max(...r.std!)).toBeGreaterThan(0);
  });

  it('refuses sources that are not co-registered, contrasts it does not know and tasks that are not its own, with codes the viewer shows', async () => {
    const shifted = request({ sources: { T1: source(0), T2: source(1, { geometry: { ...GEOMETRY, origin: [-84, -100, 20] } }) } });
    await expect(cdm.run(shifted, context())).rejects.toMatchObject({ code: 'NOT_COREGISTERED', message: expect.stringMatching(/6\.00 mm apart/) });
    const otherFrame = request({ sources: { T1: source(0), T2: source(1, { frameOfReferenceUID: '9.9' }) } });
    await expect(cdm.run(otherFrame, context())).rejects.toMatchObject({ code: 'NOT_COREGISTERED' });
    await expect(cdm.run(request({ task: { kind: 'translate', target: 'T1ce' } }), context())).rejects.toMatchObject({ code: 'UNSUPPORTED_MODALITY', message: expect.stringMatching(/T1 \+ T2 to FLAIR, PD/) });
    await expect(cdm.run(request({ sources: { T1: source(0) } }), context())).rejects.toMatchObject({ code: 'UNSUPPORTED_MODALITY', message: expect.stringMatching(/missing source T2/) });
    await expect(cdm.run(request({ sources: { T1: source(0), T2: { ...source(1), pixels: new Float32Array(7) } } }), context())).rejects.toMatchObject({ code: 'INVALID_TASK' });
    await expect(cdm.run(request({ options: { sampler: 'ddim', steps: 3, seed: 0, samples: 40 } }), context())).rejects.toMatchObject({ code: 'INVALID_TASK' });
    const denoise = { task: { kind: 'denoise' as const }, image: source(0), options: request().options, modelUrl: 'memory://' };
    await expect(cdm.run(denoise, context())).rejects.toMatchObject({ code: 'INVALID_TASK', message: expect.stringMatching(/needs a Med-cDiff model/) });
    await expect(medCDiff.run(request(), context())).rejects.toMatchObject({ code: 'INVALID_TASK', message: expect.stringMatching(/choose a CDM model/) });
  });

  it('stops when cancelled and leaves no tensor', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const run = cdm.run(request({ options: { sampler: 'ddim', steps: 50, seed: 0, samples: 2 } }), context(abort.signal, (p) => p.done === 3 && abort.abort()));
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
