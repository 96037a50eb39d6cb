import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, seeded, valuesOn } from '../../testing/backendComparison.js';

const cases = [
  { shape: [2, 5, 4, 7], sizes: [3, 4] as number | number[], axis: 3 }, // skip-connection channels
  { shape: [2, 5, 4, 300], sizes: [100, 200], axis: -1 }, // long runs
  { shape: [2, 6, 3], sizes: 3, axis: 1 },
  { shape: [6, 3], sizes: [1, 0, 5], axis: 0 },
  { shape: [4, 2, 3], sizes: [2, -1], axis: 0 },
];

beforeAll(() => {
  registerWasmGradientKernels();
});

describe('SplitV on wasm', () => {
  it.each(cases)('matches cpu for shape $shape, sizes $sizes, axis $axis', async (c) => {
    const run = () => tf.split(seeded(c.shape, 1), c.sizes, c.axis);
    const ref = await valuesOn('cpu', run);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const got = await valuesOn('wasm', run);
    expect(got.map((g) => Array.from(g))).toEqual(ref.map((r) => Array.from(r)));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('gives concat its gradient', async () => {
    const run = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 3), seeded([2, 3, 3, 5], 3))))([seeded([2, 3, 3, 2], 1), seeded([2, 3, 3, 3], 2)]);
    const ref = await valuesOn('cpu', run);
    const got = await valuesOn('wasm', run);
    expect(got.map((g) => Array.from(g))).toEqual(ref.map((r) => Array.from(r)));
  });
});
