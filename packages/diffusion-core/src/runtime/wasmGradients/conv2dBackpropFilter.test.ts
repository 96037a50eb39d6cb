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

// Stride 1 and 2 (and 3, unequal), same / valid / explicit padding, odd sizes, 1x1 .. 5x5, batch > 1.
const cases: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [3, 8, 8, 4], w: [3, 3, 4, 2], strides: 2, pad: 'valid' },
  { x: [2, 7, 6, 3], w: [1, 1, 3, 5], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], w: [1, 1, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 9, 9, 2], w: [2, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], w: [4, 4, 2, 3], strides: 3, pad: 'same' },
  { x: [1, 10, 10, 2], w: [5, 5, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 9, 11, 2], w: [3, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [2, 9, 11, 2], w: [3, 2, 2, 3], strides: [1, 3], pad: 'valid' },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [2, 0], [0, 3], [0, 0]] },
  { x: [1, 9, 11, 2], w: [3, 3, 2, 3], strides: 2, pad: [[0, 0], [3, 1], [0, 4], [0, 0]] },
  { x: [4, 16, 16, 16], w: [3, 3, 16, 8], strides: 1, pad: 'same' },
];

function filterGradient(c: Case): tf.Tensor {
  const x = seeded(c.x, 1) as tf.Tensor4D;
  const w = seeded(c.w, 2) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.strides, c.pad);
  const dy = seeded(y.shape, 3);
  return tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, c.strides, c.pad), dy)))(w);
}

beforeAll(() => {
  registerWasmGradientKernels();
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(cases)('matches cpu for x $x, w $w, strides $strides, pad $pad', async (c) => {
    const [ref] = await valuesOn('cpu', () => filterGradient(c));
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got] = await valuesOn('wasm', () => filterGradient(c));
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('matches cpu through tf.fused.conv2d with bias (the tfjs-layers path)', async () => {
    const grads = () => {
      const x = seeded([2, 8, 8, 4], 4) as tf.Tensor4D;
      const w = seeded([3, 3, 4, 6], 5) as tf.Tensor4D;
      const bias = seeded([6], 6);
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: 2, pad: 'same', bias: bb })));
      return tf.grads(f)([x, w, bias]);
    };
    const ref = await valuesOn('cpu', grads);
    const got = await valuesOn('wasm', grads);
    ref.forEach((r, i) => expect(relativeError(r, got[i] as Float32Array)).toBeLessThan(1e-5));
  });

  it('rejects NCHW data with a typed error instead of computing wrongly', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 5, 5]);
    const tensors = tf.memory().numTensors;
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(UnsupportedKernelAttributesError);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, dy]);
  });

  it('rejects a dy whose shape is not the forward output shape', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 4, 5, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/dy has shape \[1,4,5,3\]/);
    tf.dispose([x, dy]);
  });
});
