import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds } from '../../testing/backendComparison.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

describe('Identity (tf.clone) on wasm', () => {
  it('shares the buffer and frees it only when the last tensor goes', () => {
    const ids = backendDataIds();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(backendDataIds()).toBe(ids + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(backendDataIds()).toBe(ids);
  });

  it('keeps a variable and its initial value independent', () => {
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([init, v]);
  });

  it('still copies strings through the backend kernel', () => {
    const s = tf.tensor1d(['a', 'b'], 'string');
    const c = tf.clone(s);
    expect(c.arraySync()).toEqual(['a', 'b']);
    tf.dispose([s, c]);
  });
});
