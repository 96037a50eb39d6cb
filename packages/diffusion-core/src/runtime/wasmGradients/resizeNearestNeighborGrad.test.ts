import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, relativeError, seeded, useBatchSafeCpuResizeNearestNeighborGrad, valuesOn } from '../../testing/backendComparison.js';

interface Case {
  x: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const cases: Case[] = [
  { x: [3, 8, 8, 5], size: [16, 16], alignCorners: false, halfPixelCenters: false }, // upSampling2d
  { x: [2, 7, 5, 3], size: [14, 15], alignCorners: false, halfPixelCenters: false }, // odd sizes, factors 2 x 3
  { x: [2, 4, 4, 2], size: [16, 8], alignCorners: false, halfPixelCenters: true },
  // The backend's own kernel: aligned corners, fractional factors.
  { x: [2, 4, 4, 2], size: [8, 8], alignCorners: true, halfPixelCenters: false },
  { x: [2, 4, 6, 2], size: [10, 9], alignCorners: false, halfPixelCenters: false },
];

beforeAll(() => {
  registerWasmGradientKernels();
  // tfjs-backend-cpu 4.22's version of this kernel is wrong for batch > 1.
  useBatchSafeCpuResizeNearestNeighborGrad();
});

describe('ResizeNearestNeighborGrad on wasm', () => {
  it.each(cases)('matches cpu for x $x -> $size, alignCorners $alignCorners, halfPixelCenters $halfPixelCenters', async (c) => {
    const run = () =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters), seeded([c.x[0], ...c.size, c.x[3]], 2))),
      )(seeded(c.x, 1));
    const [ref] = await valuesOn('cpu', run);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got] = await valuesOn('wasm', run);
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });
});
