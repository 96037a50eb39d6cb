import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels, UnsupportedKernelAttributesError } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

beforeAll(() => {
  registerWasmGradientKernels();
});

describe('UnsortedSegmentSum on wasm', () => {
  it.each([
    { shape: [6, 4], ids: [1, 2, 0, 1, 4, 2], n: 5 },
    { shape: [4, 3, 2], ids: [2, 0, 2, 1], n: 3 }, // rank-3 values (the gather gradient passes 1-D ids)
    { shape: [4, 3], ids: [0, -1, 7, 1], n: 2 }, // out-of-range ids are dropped
    { shape: [5], ids: [0, 0, 1, 1, 1], n: 3 },
  ])('matches cpu for x $shape, ids $ids, numSegments $n', async (c) => {
    const run = () => tf.unsortedSegmentSum(seeded(c.shape, 1), tf.tensor(c.ids, undefined, 'int32'), c.n);
    const [ref] = await valuesOn('cpu', run);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got] = await valuesOn('wasm', run);
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('gives gather on a trainable table its gradient', async () => {
    const run = () =>
      tf.grad((table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, tf.tensor1d([3, 0, 3, 1], 'int32')), seeded([4, 6], 2))))(seeded([5, 6], 1));
    const [ref] = await valuesOn('cpu', run);
    const [got] = await valuesOn('wasm', run);
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-6);
  });

  it('rejects int32 values with a typed error', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2], 'int32');
    const ids = tf.tensor1d([0, 0], 'int32');
    expect(() => tf.unsortedSegmentSum(x, ids, 1)).toThrow(UnsupportedKernelAttributesError);
    tf.dispose([x, ids]);
  });
});
