import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { groupNorm } from '../../nn/groupNormalization.js';
import { GROUP_NORM_KERNEL } from './groupNorm.js';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

beforeAll(() => {
  registerWasmGradientKernels();
});

/** Group norm's output and the gradients of a weighted sum of it for x, gamma and beta (on cpu: composed of tfjs ops). */
function normAndGrads(shape: number[], groups: number, offset: number): tf.Tensor[] {
  const channels = shape[shape.length - 1]!;
  // An offset far from zero checks the variance's precision (E[x^2] - E[x]^2 in float64).
  const x = tf.add(seeded(shape, 7, 2), offset);
  const gamma = tf.add(1, seeded([channels], 5, 0.3));
  const beta = seeded([channels], 6, 0.3);
  const weights = seeded(shape, 8);
  const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupNorm(xx, gg, bb, groups, 1e-5), weights));
  return [groupNorm(x, gamma, beta, groups, 1e-5), ...tf.grads(f)([x, gamma, beta])];
}

describe('MedDiffGroupNorm on wasm', () => {
  it('is registered on wasm only', () => {
    expect(tf.getKernel(GROUP_NORM_KERNEL, 'wasm')).toBeDefined();
    expect(tf.getKernel(GROUP_NORM_KERNEL, 'cpu')).toBeUndefined();
  });

  it.each([
    { name: 'images, 4 groups of 4 channels', shape: [2, 6, 5, 16], groups: 4, offset: 0 },
    { name: 'images offset by 100, 8 groups of 8', shape: [3, 4, 4, 64], groups: 8, offset: 100 },
    { name: 'one group, vectors', shape: [5, 12], groups: 1, offset: -3 },
  ])('matches cpu, output and gradients, for $name, and frees all it made', async ({ shape, groups, offset }) => {
    const ref = await valuesOn('cpu', () => normAndGrads(shape, groups, offset));
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const got = await valuesOn('wasm', () => normAndGrads(shape, groups, offset));
    for (const [i, name] of ['output', 'dx', 'dgamma', 'dbeta'].entries()) {
      expect(relativeError(ref[i]!, got[i]!), name).toBeLessThan(2e-4);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });
});
