import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, TaskCancelledError, WorkerCrashedError } from '../errors.js';
import { InProcessWorker } from '../testing/inProcessWorker.js';
import { testImage } from '../testing/tinyModel.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import { InferenceClient } from './inferenceClient.js';
import type { TaskProgress, TaskRequest } from './taskTypes.js';

let weights: WeightsServer;
beforeAll(async () => {
  weights = await startWeightsServer();
});
afterAll(() => weights.close());

function client(worker = new InProcessWorker()) {
  return { worker, client: new InferenceClient({ createWorker: () => worker, preferredBackends: ['wasm'] }) };
}

function request(modelUrl: string, steps = 2): TaskRequest {
  return { task: { kind: 'super-resolve', factor: 2 }, image: { pixels: testImage(16, 16), rows: 16, columns: 16 }, options: { sampler: 'dpm-solver', steps, seed: 1, samples: 1 }, modelUrl };
}

describe('InferenceClient with the worker logic', () => {
  it('reports the backend in use and why better ones were skipped', async () => {
    const { client: c } = client();
    const report = await c.ready();
    expect(report.backend).toBe('wasm');
    expect(report.summary).toMatch(/wasm/);
  });

  it('a backend that cannot start is reported as such, not as a crash', async () => {
    const { client: c } = client();
    const c2 = new InferenceClient({ createWorker: () => new InProcessWorker(), preferredBackends: ['webgl'] });
    await expect(c2.ready()).rejects.toMatchObject({ code: 'NO_BACKEND', message: expect.stringMatching(/webgl/i) });
    await expect(c.ready()).resolves.toMatchObject({ backend: 'wasm' });
  });

  it('loads a model over HTTP with its card, and runs a task with progress', async () => {
    const { client: c } = client();
    const card = await c.loadModel(weights.superResolution);
    expect(card).toMatchObject({ name: 'Med-cDiff super-resolution (x2, x4)', trainedOn: 'nothing (random weights)', tasks: ['super-resolve'] });
    expect(card.intendedUse).toMatch(/^unit tests only/);
    const progress: TaskProgress[] = [];
    const result = await c.run(request(weights.superResolution), { onProgress: (p) => progress.push(p) });
    expect([result.rows, result.columns, result.backend]).toEqual([32, 32, 'wasm']);
    expect(result.pixels).toBeInstanceOf(Float32Array);
    // 2 steps for each batch of up to 4 of the result's tiles.
    expect(progress.at(-1)).toMatchObject({ done: Math.ceil(result.tiles / 4) * 2, total: Math.ceil(result.tiles / 4) * 2 });
  });

  it('refuses weights that fail the integrity check, and weights that cannot be fetched', async () => {
    const { client: c } = client();
    const corrupt = await c.loadModel(weights.corrupt).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(ModelLoadError);
    expect(corrupt).toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/integrity/) });
    const missing = await c.run(request(weights.missing)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ModelLoadError);
    expect(missing).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/404/) });
    // The worker stays usable after both.
    await expect(c.run(request(weights.superResolution))).resolves.toMatchObject({ rows: 32 });
  });

  it('cancels a run midway: the promise rejects as cancelled and the worker keeps working', async () => {
    const { client: c, worker } = client();
    const abort = new AbortController();
    const run = c.run(request(weights.superResolution, 200), { signal: abort.signal, onProgress: (p) => p.done >= 2 && abort.abort() });
    await expect(run).rejects.toBeInstanceOf(TaskCancelledError);
    expect(worker.received.some((m) => m.type === 'cancel')).toBe(true);
    await expect(c.run(request(weights.superResolution))).resolves.toMatchObject({ columns: 32 });
  });

  it('a crashed worker fails pending calls with WorkerCrashedError and the next call starts a new one', async () => {
    const workers: InProcessWorker[] = [];
    const c = new InferenceClient({ createWorker: () => (workers.push(new InProcessWorker()), workers.at(-1)!), preferredBackends: ['wasm'] });
    await c.ready();
    const run = c.run(request(weights.superResolution, 200));
    await new Promise((r) => setTimeout(r, 50));
    workers[0]!.crash('out of memory');
    await expect(run).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(workers[0]!.terminated).toBe(true);
    await expect(c.run(request(weights.superResolution))).resolves.toMatchObject({ rows: 32 });
    expect(workers).toHaveLength(2);
  });
});
