import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

interface Case {
  shape: number[];
  axis: number | number[] | undefined;
  keepDims: boolean;
}

const cases: Case[] = [
  { shape: [4, 6, 5, 7], axis: [0, 1, 2], keepDims: false }, // bias gradient
  { shape: [4, 6, 5, 7], axis: [0, 1, 2], keepDims: true },
  { shape: [3, 5, 4, 2, 3], axis: [1, 2, 4], keepDims: true }, // group-norm statistics
  { shape: [3, 5, 4, 2, 3], axis: [-4, -3, -1], keepDims: false },
  { shape: [5, 3], axis: 0, keepDims: false },
  { shape: [2, 3, 4], axis: [0, 2], keepDims: false },
  { shape: [2, 3, 4], axis: [2], keepDims: true }, // innermost: the backend's own kernel
  { shape: [2, 3, 4], axis: undefined, keepDims: false },
  { shape: [1, 9, 1], axis: [0, 1], keepDims: false },
  { shape: [3, 0, 2], axis: [1], keepDims: false },
];

beforeAll(() => {
  registerWasmGradientKernels();
});

describe.each(['sum', 'mean'] as const)('%s on wasm', (op) => {
  it.each(cases)('matches cpu for shape $shape, axis $axis, keepDims $keepDims', async (c) => {
    const run = () => {
      const y = tf[op](seeded(c.shape, 1), c.axis, c.keepDims);
      return [y, tf.tensor1d(y.shape, 'float32')];
    };
    const [ref, refShape] = await valuesOn('cpu', run);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got, gotShape] = await valuesOn('wasm', run);
    expect(Array.from(gotShape as Float32Array)).toEqual(Array.from(refShape as Float32Array));
    // (The mean over an empty axis is 0 on cpu; the wasm backend's own kernel returns uninitialised memory.)
    if ((ref as Float32Array).length > 0) expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('leaves int32 inputs to the backend', async () => {
    await tf.setBackend('wasm');
    const y = tf[op](tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), [0, 1]);
    expect(Array.from(y.dataSync())).toEqual(op === 'sum' ? [16, 20] : [4, 5]);
    y.dispose();
  });
});
