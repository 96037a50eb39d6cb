import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { addNoise, gatherAlphaBar } from './forwardProcess';
import { NoiseSchedule } from './noiseSchedule';
import { epsilonFromX0, toX0AndEpsilon, trainingTarget, type PredictionType } from './parameterization';

beforeAll(() => useBackend('cpu'));

describe('parameterisations', () => {
  it.each<PredictionType>(['epsilon', 'x0', 'v'])('recovers x0 and epsilon exactly from the %s target', async (type) => {
    const before = tf.memory().numTensors;
    const x0 = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 1);
    const eps = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 2);
    for (const ab of [0.9, 0.3, 0.01]) {
      const xt = addNoise(x0, eps, ab);
      const target = trainingTarget(type, x0, eps, ab);
      const got = toX0AndEpsilon(type, target, xt, ab);
      expect(await maxAbsDiff(got.x0, x0)).toBeLessThan(type === 'epsilon' && ab === 0.01 ? 1e-4 : 1e-5);
      expect(await maxAbsDiff(got.epsilon, eps)).toBeLessThan(type === 'x0' && ab === 0.9 ? 1e-4 : 1e-5);
      const eps2 = epsilonFromX0(got.x0, xt, ab);
      expect(await maxAbsDiff(eps2, eps)).toBeLessThan(1e-3);
      tf.dispose([xt, target, got.x0, got.epsilon, eps2]);
    }
    tf.dispose([x0, eps]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies one alpha-bar per example when given a tensor', async () => {
    const schedule = new NoiseSchedule({ numTrainTimesteps: 50 });
    const tensors = schedule.upload();
    const t = tf.tensor1d([0, 49], 'int32');
    const ab = gatherAlphaBar(tensors, t, 4);
    expect(ab.shape).toEqual([2, 1, 1, 1]);
    const x0 = tf.ones([2, 1, 1, 1]);
    const eps = tf.zeros([2, 1, 1, 1]);
    const xt = await addNoise(x0, eps, ab).data();
    expect(xt[0]).toBeCloseTo(schedule.sqrtAlphasCumprod[0]!, 6);
    expect(xt[1]).toBeCloseTo(schedule.sqrtAlphasCumprod[49]!, 6);
    tf.dispose([t, ab, x0, eps, ...Object.values(tensors)]);
  });

  it('refuses noise of another shape', () => {
    const a = tf.zeros([1, 2]);
    const b = tf.zeros([2, 2]);
    expect(() => addNoise(a, b, 0.5)).toThrow(/must match/);
    tf.dispose([a, b]);
  });
});
