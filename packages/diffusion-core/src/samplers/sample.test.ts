import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { gaussianDenoiser } from '../testing/analyticDenoisers';
import { CancelledError, ConfigError, ShapeError, StateError } from '../errors';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { DdimScheduler } from './ddim';
import { DdpmScheduler } from './ddpm';
import { DpmSolverMultistepScheduler } from './dpmSolverMultistep';
import { sample, type SamplingProgress } from './sample';

beforeAll(() => useBackend('cpu'));
const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });
const denoiser = gaussianDenoiser(schedule, 0, 0.5);
const shape = [1, 8, 8, 1];

describe('sample', () => {
  it('is deterministic for a seed and differs across seeds (DDIM eta 0 and DDPM)', async () => {
    for (const make of [() => new DdimScheduler(schedule), () => new DdpmScheduler(schedule)]) {
      const a = await sample({ scheduler: make(), denoiser, shape, numInferenceSteps: 20, seed: 1 });
      const b = await sample({ scheduler: make(), denoiser, shape, numInferenceSteps: 20, seed: 1 });
      const c = await sample({ scheduler: make(), denoiser, shape, numInferenceSteps: 20, seed: 2 });
      expect(await maxAbsDiff(a, b)).toBe(0);
      expect(await maxAbsDiff(a, c)).toBeGreaterThan(0.01);
      tf.dispose([a, b, c]);
    }
  });

  it('reports progress once per network evaluation', async () => {
    const seen: SamplingProgress[] = [];
    const x = await sample({ scheduler: new DdimScheduler(schedule), denoiser, shape, numInferenceSteps: 5, seed: 1, onProgress: (p) => seen.push(p) });
    x.dispose();
    expect(seen.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.total === 5 && p.elapsedMs >= 0 && p.etaMs >= 0)).toBe(true);
    expect(seen.map((p) => p.timestep)).toEqual([800, 600, 400, 200, 0]);
    expect(seen.at(-1)!.etaMs).toBe(0);
  });

  it('reports a step only once its work has run: WebGPU and WebGL return before computing, so it reads a value back first', async () => {
    const events: string[] = [];
    const read = vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(async function (this: tf.Tensor) {
      events.push(`read ${this.size}`);
      return this.dataSync();
    } as never);
    try {
      const x = await sample({ scheduler: new DdimScheduler(schedule), denoiser, shape, numInferenceSteps: 3, seed: 1, onProgress: (p) => events.push(`step ${p.step}`) });
      x.dispose();
    } finally {
      read.mockRestore();
    }
    expect(events).toEqual(['read 1', 'step 1', 'read 1', 'step 2', 'read 1', 'step 3']);
  });

  it('keeps the device at most eight steps ahead of the last finished one, so a cancellation takes effect within a few steps', async () => {
    // A slow device: each read resolves 50 ms after it is asked for, as a GPU's queue would.
    const read = vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(async function (this: tf.Tensor) {
      const values = this.dataSync();
      await new Promise((r) => setTimeout(r, 50));
      return values;
    } as never);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let calls = 0;
    let callsAtFirstReport = 0;
    try {
      const run = sample({
        scheduler: new DdimScheduler(schedule),
        denoiser: (x, t) => {
          calls++;
          return denoiser(x, t);
        },
        shape,
        numInferenceSteps: 50,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 1) {
            callsAtFirstReport = calls;
            controller.abort();
          }
        },
      });
      await expect(run).rejects.toBeInstanceOf(CancelledError);
    } finally {
      read.mockRestore();
    }
    // Step 1 finished; steps 2 to 9 at most were queued behind it, and nothing ran after the abort.
    expect(callsAtFirstReport).toBeLessThanOrEqual(9);
    expect(calls).toBe(callsAtFirstReport);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on abort, throws AbortError and leaves no tensor behind (multistep history included)', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let calls = 0;
    const run = sample({
      scheduler: new DpmSolverMultistepScheduler(schedule),
      denoiser: (x, t) => {
        if (++calls === 4) controller.abort();
        return denoiser(x, t);
      },
      shape,
      numInferenceSteps: 20,
      signal: controller.signal,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('propagates a failing denoiser and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const run = sample({
      scheduler: new DdpmScheduler(schedule),
      denoiser: (x, t) => {
        if (++calls === 3) throw new Error('network failed');
        return denoiser(x, t);
      },
      shape,
      numInferenceSteps: 10,
    });
    await expect(run).rejects.toThrow('network failed');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a denoiser output of the wrong shape without leaking', async () => {
    const before = tf.memory().numTensors;
    const run = sample({ scheduler: new DdimScheduler(schedule), denoiser: () => tf.zeros([1, 4, 4, 1]), shape, numInferenceSteps: 3 });
    await expect(run).rejects.toBeInstanceOf(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the known pixels exactly when inpainting', async () => {
    const known = tf.randomUniform(shape, -1, 1, 'float32', 5);
    const fillValues = new Float32Array(64);
    for (let i = 0; i < 64; i++) fillValues[i] = i % 8 >= 2 && i % 8 < 6 && i >= 16 && i < 48 ? 1 : 0;
    const regionToFill = tf.tensor(fillValues, shape);
    const before = tf.memory().numTensors;
    const x = await sample({ scheduler: new DdimScheduler(schedule), denoiser, shape, numInferenceSteps: 10, seed: 3, inpainting: { known, regionToFill } });
    expect(tf.memory().numTensors).toBe(before + 1);
    const [out, ref] = [await x.data(), await known.data()];
    let changedInside = 0;
    for (let i = 0; i < 64; i++) {
      if (fillValues[i] === 0) expect(out[i]).toBe(ref[i]);
      else if (Math.abs(out[i]! - ref[i]!) > 1e-3) changedInside++;
    }
    expect(changedInside).toBeGreaterThan(10);
    tf.dispose([x, known, regionToFill]);
  });

  it('resamples RePaint-style: more evaluations, known pixels still exact', async () => {
    const known = tf.randomUniform(shape, -1, 1, 'float32', 5);
    const regionToFill = tf.tensor(Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 1 : 0)), shape);
    let calls = 0;
    const x = await sample({
      scheduler: new DdpmScheduler(schedule),
      denoiser: (s, t) => (calls++, denoiser(s, t)),
      shape,
      numInferenceSteps: 10,
      seed: 3,
      inpainting: { known, regionToFill, resampling: { jumpLength: 2, resampleCount: 3 } },
    });
    // jumps anchored at 0, 2, 4, 6 remaining levels, each taken twice, two levels back each time.
    expect(calls).toBe(10 + 4 * 2 * 2);
    const [out, ref] = [await x.data(), await known.data()];
    for (let i = 32; i < 64; i++) expect(out[i]).toBe(ref[i]);
    tf.dispose([x, known, regionToFill]);
  });

  it('refuses RePaint resampling with a multistep scheduler, and masks that do not fit', async () => {
    const known = tf.zeros(shape);
    const regionToFill = tf.ones(shape);
    const badMask = tf.ones([1, 4, 4, 1]);
    const before = tf.memory().numTensors;
    await expect(
      sample({ scheduler: new DpmSolverMultistepScheduler(schedule), denoiser, shape, numInferenceSteps: 10, inpainting: { known, regionToFill, resampling: { jumpLength: 1, resampleCount: 2 } } }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(sample({ scheduler: new DdimScheduler(schedule), denoiser, shape, numInferenceSteps: 10, inpainting: { known, regionToFill: badMask } })).rejects.toThrow(/does not broadcast/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([known, regionToFill, badMask]);
  });
});

describe('schedulers', () => {
  it('refuse to step before setTimesteps, and stochastic ones without noise', () => {
    const x = tf.zeros(shape);
    const ddim = new DdimScheduler(schedule);
    expect(() => ddim.step(x, 999, x)).toThrow(StateError);
    expect(() => ddim.timesteps).toThrow(/setTimesteps/);
    const ddpm = new DdpmScheduler(schedule);
    ddpm.setTimesteps(10);
    expect(() => ddpm.step(x, ddpm.timesteps[0]!, x)).toThrow(/noise/);
    expect(() => ddpm.step(x, 123, x)).toThrow(/not one of/);
    x.dispose();
  });

  it('validate their options and list the allowed values', () => {
    expect(() => new DdpmScheduler(schedule, { variance: 'learned' as never })).toThrow(/Allowed: beta, posterior/);
    expect(() => new DdimScheduler(schedule, { eta: -1 })).toThrow(/eta/);
    expect(() => new DdimScheduler(schedule, { predictionType: 'score' as never })).toThrow(/Allowed: epsilon, x0, v/);
    expect(() => new DdimScheduler(schedule, { timestepSpacing: 'karras' as never })).toThrow(/Allowed: leading, trailing, linspace, logsnr/);
    const zsnr = new NoiseSchedule({ rescaleZeroTerminalSnr: true, numTrainTimesteps: 100 });
    expect(() => new DdimScheduler(zsnr)).toThrow(/v- or x0-prediction/);
    expect(() => new DdimScheduler(zsnr, { predictionType: 'v' })).not.toThrow();
  });
});
