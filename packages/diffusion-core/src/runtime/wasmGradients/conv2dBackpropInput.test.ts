import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels, UnsupportedKernelAttributesError } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

// Stride 1 and 2 (and 3; unequal strides use the backend's own kernel), same /
// valid / explicit padding, odd and even sizes, 1x1 .. 5x5, batch > 1.
const cases: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [3, 8, 8, 4], w: [3, 3, 4, 2], strides: 2, pad: 'valid' },
  { x: [2, 7, 6, 3], w: [1, 1, 3, 5], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], w: [1, 1, 3, 5], strides: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], w: [2, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], w: [4, 4, 2, 3], strides: 3, pad: 'same' },
  { x: [1, 10, 10, 2], w: [5, 5, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 9, 11, 2], w: [3, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [2, 0], [0, 3], [0, 0]] },
  { x: [1, 9, 11, 2], w: [3, 3, 2, 3], strides: 2, pad: [[0, 0], [3, 1], [0, 4], [0, 0]] },
  { x: [4, 16, 16, 16], w: [3, 3, 16, 8], strides: 2, pad: 'same' },
];

function inputGradient(c: Case): tf.Tensor {
  const x = seeded(c.x, 1) as tf.Tensor4D;
  const w = seeded(c.w, 2) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.strides, c.pad);
  const dy = seeded(y.shape, 3);
  return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, w, c.strides, c.pad), dy)))(x);
}

beforeAll(() => {
  registerWasmGradientKernels();
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(cases)('matches cpu for x $x, w $w, strides $strides, pad $pad', async (c) => {
    const [ref] = await valuesOn('cpu', () => inputGradient(c));
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got] = await valuesOn('wasm', () => inputGradient(c));
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('matches cpu for tf.conv2dTranspose (the same kernel, used by decoders)', async () => {
    const run = () => tf.conv2dTranspose(seeded([2, 5, 5, 6], 7) as tf.Tensor4D, seeded([3, 3, 4, 6], 8) as tf.Tensor4D, [2, 10, 10, 4], 2, 'same');
    const [ref] = await valuesOn('cpu', run);
    const [got] = await valuesOn('wasm', run);
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-5);
  });

  it('rejects NCHW data with a typed error', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 3, 5, 5]);
    const filter = tf.zeros([3, 3, 2, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 5, 5] }),
    ).toThrow(UnsupportedKernelAttributesError);
    tf.dispose([dy, filter]);
  });
});
