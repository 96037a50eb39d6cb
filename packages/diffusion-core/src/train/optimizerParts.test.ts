import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../testing/backends';
import { AdamW } from './adamW';
import { ExponentialMovingAverage } from './ema';
import { clipByGlobalNorm } from './gradientClipping';
import { learningRateAt } from './learningRate';
import { ArrayBatchSource } from './batchSource';
import { reconstructionLoss } from './objectives';

beforeAll(() => useBackend('cpu'));

describe('learningRateAt', () => {
  const base = { peak: 1, warmupSteps: 4, totalSteps: 14, minimum: 0.1 };
  it('warms up linearly, then stays or follows a half cosine', () => {
    expect([0, 1, 2, 3].map((s) => learningRateAt(s, { ...base, decay: 'constant' }))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateAt(100, { ...base, decay: 'constant' })).toBe(1);
    expect(learningRateAt(4, { ...base, decay: 'cosine' })).toBeCloseTo(1, 12);
    expect(learningRateAt(9, { ...base, decay: 'cosine' })).toBeCloseTo(0.55, 12);
    expect(learningRateAt(14, { ...base, decay: 'cosine' })).toBeCloseTo(0.1, 12);
  });
});

describe('AdamW', () => {
  it('matches tf.train.adam when weight decay is 0', async () => {
    const target = tf.tensor1d([1, -2, 3]);
    const a = tf.variable(tf.tensor1d([0.5, 0.5, 0.5]));
    const b = tf.variable(tf.tensor1d([0.5, 0.5, 0.5]));
    const ours = new AdamW([a], { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 });
    const theirs = tf.train.adam(0.1, 0.9, 0.999, 1e-7);
    for (let i = 0; i < 5; i++) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(a, target))) as tf.Scalar, [a]);
      ours.apply([grads[a.name]!], 0.1);
      tf.dispose(Object.values(grads));
      theirs.minimize(() => tf.sum(tf.square(tf.sub(b, target))) as tf.Scalar, false, [b]);
    }
    const [x, y] = [await a.data(), await b.data()];
    for (let i = 0; i < 3; i++) expect(x[i]!).toBeCloseTo(y[i]!, 5);
    ours.dispose();
  });

  it('decays weights directly, independent of the gradient', async () => {
    const p = tf.variable(tf.tensor1d([2]));
    const opt = new AdamW([p], { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 });
    const zero = tf.zeros([1]);
    opt.apply([zero], 0.1);
    expect((await p.data())[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    opt.dispose();
  });
});

describe('ExponentialMovingAverage', () => {
  it('warms its decay up and averages', async () => {
    const p = tf.variable(tf.tensor1d([0]));
    const ema = new ExponentialMovingAverage([p], { maxDecay: 0.99, warmup: true });
    expect(ema.decayAt(0)).toBeCloseTo(0.1, 12);
    expect(ema.decayAt(1000)).toBe(0.99);
    p.assign(tf.tensor1d([10]));
    ema.update([p], 0);
    expect((await ema.shadow[0]!.data())[0]).toBeCloseTo(9, 5);
    ema.dispose();
  });
});

describe('clipByGlobalNorm', () => {
  it('scales all gradients together to the maximum norm', async () => {
    const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])];
    const { grads, norm } = clipByGlobalNorm(g, 1);
    expect((await norm.data())[0]).toBeCloseTo(5, 5);
    expect(Array.from(await grads[0]!.data())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(await grads[1]!.data())[1]).toBeCloseTo(0.8, 5);
    const small = clipByGlobalNorm(g, 10);
    expect(Array.from(await small.grads[1]!.data())[1]).toBeCloseTo(4, 5);
  });
});

describe('ArrayBatchSource', () => {
  it('covers every item once per epoch, deterministically, and restores a position', async () => {
    const items = { data: Float32Array.from({ length: 10 }, (_, i) => i), itemShape: [1] };
    const read = async (s: ArrayBatchSource) => Array.from(await s.next().data());
    const a = new ArrayBatchSource(items, 5, 1);
    const epoch = [...(await read(a)), ...(await read(a))].sort((x, y) => x - y);
    expect(epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const position = a.position;
    const next = await read(a);
    const b = new ArrayBatchSource(items, 5, 1);
    b.position = position;
    expect(await read(b)).toEqual(next);
    expect(() => new ArrayBatchSource(items, 11, 1)).toThrow(/batchSize must be an integer in \[1, 10\]/);
  });
});

describe('reconstructionLoss', () => {
  it('averages squared or absolute error, optionally inside a mask', async () => {
    const p = tf.tensor1d([1, 2, 3, 4]);
    const t = tf.tensor1d([1, 0, 3, 0]);
    expect((await reconstructionLoss(p, t, 'mse').data())[0]).toBeCloseTo(5, 6);
    expect((await reconstructionLoss(p, t, 'l1').data())[0]).toBeCloseTo(1.5, 6);
    expect((await reconstructionLoss(p, t, 'l1', tf.tensor1d([0, 1, 0, 0])).data())[0]).toBeCloseTo(2, 6);
  });
});
