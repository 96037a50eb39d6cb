import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/backends';
import { ConfigError } from '../errors';
import { NoiseSchedule } from './noiseSchedule';
import { betaSchedules, BetaScheduleRegistry } from './betaSchedules';

// Reference values: numpy float64, np.cumprod(1 - np.linspace(1e-4, 0.02, 2000)) etc.
describe('NoiseSchedule', () => {
  it("reproduces the final alpha-bar of Med-cDiff's linear schedule (T = 2000)", () => {
    const s = new NoiseSchedule();
    expect(s.numTrainTimesteps).toBe(2000);
    expect(s.alphasCumprod[1999]! / 1.6288471245503092e-9).toBeCloseTo(1, 10);
    expect(s.alphasCumprod[999]!).toBeCloseTo(0.006160535431714605, 14);
  });

  it("reproduces CDM's scaled-linear schedule (T = 1000, 0.0015 to 0.0195)", () => {
    const s = new NoiseSchedule({ betaSchedule: 'scaled-linear', numTrainTimesteps: 1000, betaStart: 0.0015, betaEnd: 0.0195 });
    expect(s.alphasCumprod[999]! / 0.00014230397519201791).toBeCloseTo(1, 10);
  });

  it('gives the cosine schedule of Nichol and Dhariwal', () => {
    const s = new NoiseSchedule({ betaSchedule: 'cosine', numTrainTimesteps: 1000 });
    expect(s.alphasCumprod[499]!).toBeCloseTo(0.4938435904406382, 12);
    expect(Math.max(...s.betas)).toBeLessThanOrEqual(0.999);
  });

  it('gives a monotone sigmoid schedule that ends near zero SNR', () => {
    const s = new NoiseSchedule({ betaSchedule: 'sigmoid', numTrainTimesteps: 1000 });
    for (let i = 1; i < 1000; i++) expect(s.alphasCumprod[i]!).toBeLessThan(s.alphasCumprod[i - 1]!);
    expect(s.alphasCumprod[999]!).toBeLessThan(1e-3);
  });

  it('derives the posterior quantities of Ho et al. eq. 7', () => {
    const s = new NoiseSchedule({ numTrainTimesteps: 100 });
    for (const t of [1, 50, 99]) {
      const ab = s.alphasCumprod[t]!;
      const abPrev = s.alphasCumprod[t - 1]!;
      expect(s.alphasCumprodPrev[t]).toBe(abPrev);
      expect(s.posteriorVariance[t]!).toBeCloseTo((s.betas[t]! * (1 - abPrev)) / (1 - ab), 15);
      expect(s.posteriorMeanCoef1[t]! + 0).toBeCloseTo((s.betas[t]! * Math.sqrt(abPrev)) / (1 - ab), 15);
      expect(s.posteriorMeanCoef2[t]!).toBeCloseTo(((1 - abPrev) * Math.sqrt(s.alphas[t]!)) / (1 - ab), 15);
    }
    expect(s.posteriorVariance[0]).toBe(0);
    expect(s.posteriorLogVarianceClipped[0]).toBe(Math.log(s.posteriorVariance[1]!));
    expect(s.alphaBar(-1)).toBe(1);
  });

  it('rescales to zero terminal SNR keeping the first step (Lin et al. 2024)', () => {
    const plain = new NoiseSchedule({ numTrainTimesteps: 1000 });
    const s = new NoiseSchedule({ numTrainTimesteps: 1000, rescaleZeroTerminalSnr: true });
    expect(s.alphasCumprod[999]).toBeCloseTo(0, 12);
    expect(s.alphasCumprod[0]!).toBeCloseTo(plain.alphasCumprod[0]!, 12);
  });

  it('uploads the per-step quantities once, as float32', async () => {
    await useBackend('cpu');
    const s = new NoiseSchedule({ numTrainTimesteps: 10 });
    const tensors = s.upload();
    expect(tensors.alphasCumprod.shape).toEqual([10]);
    const data = await tensors.sqrtAlphasCumprod.data();
    expect(data[3]).toBeCloseTo(Math.sqrt(s.alphasCumprod[3]!), 6);
    tf.dispose(Object.values(tensors));
  });

  it('rejects bad configs with a message naming the field', () => {
    expect(() => new NoiseSchedule({ numTrainTimesteps: 1 })).toThrow(/numTrainTimesteps/);
    expect(() => new NoiseSchedule({ betaStart: 0 })).toThrow(ConfigError);
    expect(() => new NoiseSchedule({ betaStart: 0.1, betaEnd: 0.01 })).toThrow(/betaEnd/);
    expect(() => new NoiseSchedule({ betaSchedule: 'quadratic' })).toThrow(/Allowed: linear, scaled-linear, cosine, sigmoid/);
  });
});

describe('BetaScheduleRegistry', () => {
  it('takes user schedules by name and refuses to replace one', () => {
    const registry = new BetaScheduleRegistry();
    registry.register('constant', (n) => new Float64Array(n).fill(0.01));
    expect(registry.get('constant')(5, { betaStart: 0, betaEnd: 0 })[4]).toBe(0.01);
    expect(() => registry.register('linear', (n) => new Float64Array(n))).toThrow(/already registered/);
    expect(betaSchedules.names()).toContain('cosine');
  });
});
