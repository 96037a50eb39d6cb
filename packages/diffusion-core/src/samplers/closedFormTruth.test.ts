import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/backends';
import { gaussianDenoiser, mixtureDenoiser, moments } from '../testing/analyticDenoisers';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { DdpmScheduler } from './ddpm';
import { DdimScheduler } from './ddim';
import { DpmSolverMultistepScheduler } from './dpmSolverMultistep';
import { sample } from './sample';
import type { Scheduler } from './scheduler';

// With the exact denoiser for Gaussian data, a correct sampler must reproduce the data's mean
// and variance. 4096 samples: the standard error of the mean is std / 64, of the variance ~2 %.
const SHAPE = [1, 64, 64, 1];
const MEAN = 0.3;
const STD = 0.5;
const none = { kind: 'none' } as const;

beforeAll(() => useBackend('cpu'));

const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });

const cases: Array<[string, () => Scheduler, number, number]> = [
  // name, scheduler, steps, relative variance tolerance (4096 samples: ~2 % standard error)
  ['DDPM, sigma^2 = beta, every step', () => new DdpmScheduler(schedule, { variance: 'beta', x0Processing: none }), 1000, 0.06],
  ['DDPM, posterior variance, every step', () => new DdpmScheduler(schedule, { variance: 'posterior', x0Processing: none }), 1000, 0.06],
  ['DDPM, posterior variance, 250 steps', () => new DdpmScheduler(schedule, { variance: 'posterior', x0Processing: none }), 250, 0.08],
  ['DDIM eta 0, 200 steps', () => new DdimScheduler(schedule, { eta: 0, x0Processing: none }), 200, 0.07],
  ['DDIM eta 1, 250 steps', () => new DdimScheduler(schedule, { eta: 1, x0Processing: none }), 250, 0.08],
  ['DPM-Solver++(2M), 10 steps', () => new DpmSolverMultistepScheduler(schedule, { x0Processing: none }), 10, 0.06],
  ['DPM-Solver++(2M), 20 steps', () => new DpmSolverMultistepScheduler(schedule, { x0Processing: none }), 20, 0.06],
];

/**
 * DDIM (eta 0) with the exact denoiser maps x_t to x_s linearly; the variance it should give after
 * every step, derived by hand: Var(x_s) = Var(x_t) ((sqrt(ab_s ab_t) v + sqrt((1 - ab_s)(1 - ab_t))) / v_t)^2,
 * with v the data variance and v_t = ab_t v + 1 - ab_t. At few steps this is well below v.
 */
function ddimExpectedVariance(timesteps: readonly number[], v: number): number {
  let variance = 1;
  timesteps.forEach((t, i) => {
    const s = timesteps[i + 1] ?? -1;
    const abT = schedule.alphaBar(t);
    const abS = schedule.alphaBar(s);
    const f = (Math.sqrt(abS * abT) * v + Math.sqrt((1 - abS) * (1 - abT))) / (abT * v + 1 - abT);
    variance *= f * f;
  });
  return variance;
}

describe('samplers against closed-form truth (Gaussian data)', () => {
  it.each(cases)('%s reproduces the mean and variance', async (_name, make, steps, tol) => {
    const before = tf.memory().numTensors;
    const x = await sample({ scheduler: make(), denoiser: gaussianDenoiser(schedule, MEAN, STD), shape: SHAPE, numInferenceSteps: steps, seed: 7 });
    const m = await moments(x);
    x.dispose();
    expect(Math.abs(m.mean - MEAN)).toBeLessThan(4 * (STD / 64));
    expect(Math.abs(m.variance / (STD * STD) - 1)).toBeLessThan(tol);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DDIM against its exact discrete-time variance', () => {
  it.each([10, 50])('matches at %i steps, where it under-disperses', async (steps) => {
    const scheduler = new DdimScheduler(schedule, { eta: 0, x0Processing: none });
    const x = await sample({ scheduler, denoiser: gaussianDenoiser(schedule, MEAN, STD), shape: SHAPE, numInferenceSteps: steps, seed: 11 });
    const m = await moments(x);
    x.dispose();
    const expected = ddimExpectedVariance(scheduler.timesteps, STD * STD);
    expect(expected).toBeLessThan(0.95 * STD * STD);
    expect(Math.abs(m.variance / expected - 1)).toBeLessThan(0.05);
  });
});

describe('temperature', () => {
  it('scales the spread of DDIM (eta 0) samples by the temperature and keeps their mean; at 0 every sample is the mean', async () => {
    const scheduler = new DdimScheduler(schedule, { eta: 0, x0Processing: none });
    const at = async (temperature: number) => {
      const x = await sample({ scheduler, denoiser: gaussianDenoiser(schedule, MEAN, STD), shape: SHAPE, numInferenceSteps: 50, seed: 11, temperature });
      const m = await moments(x);
      x.dispose();
      return m;
    };
    const [hot, warm, cold] = [await at(1), await at(0.5), await at(0)];
    expect(Math.abs(warm.variance / hot.variance - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(warm.mean - MEAN)).toBeLessThan(4 * (STD / 2 / 64));
    expect(cold.variance).toBeLessThan(1e-10);
    expect(Math.abs(cold.mean - MEAN)).toBeLessThan(5e-3);
    await expect(sample({ scheduler, denoiser: gaussianDenoiser(schedule, MEAN, STD), shape: SHAPE, numInferenceSteps: 5, temperature: -0.5 })).rejects.toThrow(/temperature must be a finite number >= 0/);
  });
});

describe('samplers against closed-form truth (mixture of two Gaussians)', () => {
  const M = 0.6;
  const S = 0.15;
  it.each(cases.filter(([, , steps]) => steps <= 250))('%s splits the samples between the modes', async (_name, make, steps) => {
    const x = await sample({ scheduler: make(), denoiser: mixtureDenoiser(schedule, M, S), shape: SHAPE, numInferenceSteps: steps, seed: 3 });
    const data = await x.data();
    x.dispose();
    const positive = data.filter((v) => v > 0).length / data.length;
    expect(Math.abs(positive - 0.5)).toBeLessThan(0.05);
    // Within one mode, the spread is the component's.
    const upper = Array.from(data.filter((v) => v > 0));
    const mu = upper.reduce((a, b) => a + b, 0) / upper.length;
    const sd = Math.sqrt(upper.reduce((a, b) => a + (b - mu) ** 2, 0) / upper.length);
    expect(Math.abs(mu - M)).toBeLessThan(0.03);
    expect(Math.abs(sd / S - 1)).toBeLessThan(0.15);
  });
});
