import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { planBatchMatMul } from './batchMatMul.js';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

interface Case {
  name: string;
  viaGemm: boolean;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

function shapes(m: number, k: number, n: number, batchA: number[], batchB: number[], viaGemm: boolean): Case[] {
  return combos.map(([ta, tb]) => ({
    viaGemm: viaGemm && (ta || tb || batchA.some((d) => d > 1) || batchB.some((d) => d > 1)),
    name: `[${batchA}] x [${batchB}] m${m} k${k} n${n} tA=${ta} tB=${tb}`,
    a: [...batchA, ...(ta ? [k, m] : [m, k])],
    b: [...batchB, ...(tb ? [n, k] : [k, n])],
    transposeA: ta,
    transposeB: tb,
  }));
}

const cases: Case[] = [
  // Large enough for the XNNPACK path: single, shared right operand, shared left operand, both batched, rank 4.
  ...shapes(70, 45, 33, [], [], true),
  ...shapes(40, 48, 36, [3], [1], true),
  ...shapes(40, 48, 36, [1], [3], true),
  ...shapes(64, 32, 64, [3], [3], true),
  ...shapes(33, 40, 35, [2, 2], [2, 2], true),
  // Broadcast between two different batch sizes, and tiny products: the backend's own kernel.
  ...shapes(40, 48, 36, [2, 1], [1, 3], false),
  ...shapes(3, 4, 5, [2], [2], false),
];

beforeAll(() => {
  registerWasmGradientKernels();
});

describe('BatchMatMul on wasm', () => {
  it.each(cases)('matches cpu for $name', async (c) => {
    expect(planBatchMatMul(c.a, c.b, c.transposeA, c.transposeB) !== 'backend').toBe(c.viaGemm);
    const run = () => tf.matMul(seeded(c.a, 1), seeded(c.b, 2), c.transposeA, c.transposeB);
    const [ref] = await valuesOn('cpu', run);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [got] = await valuesOn('wasm', run);
    expect(relativeError(ref as Float32Array, got as Float32Array)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('picks the form that moves fewer values', () => {
    expect(planBatchMatMul([4, 1024, 128], [4, 1024, 128], false, true)).toBe('gemm'); // attention q k^T
    expect(planBatchMatMul([4096, 128], [128, 128], false, true)).toBe('gemm'); // dense dx = dy W^T
    expect(planBatchMatMul([45, 70], [33, 45], true, true)).toBe('gemm-swapped'); // both transposed, small C
    expect(planBatchMatMul([4096, 128], [128, 128], false, false)).toBe('backend'); // already XNNPACK
    expect(planBatchMatMul([8, 16, 32], [8, 32, 16], false, false)).toBe('backend'); // too small per item
  });

  it('gives the same gradients as cpu for attention-style products and a dense layer', async () => {
    const grads = () => {
      const q = seeded([2, 64, 32], 3);
      const k = seeded([2, 64, 32], 4);
      const v = seeded([2, 64, 32], 5);
      const w = seeded([32, 24], 6);
      const bias = seeded([24], 7);
      const f = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
        const attn = tf.softmax(tf.mul(tf.matMul(qq, kk, false, true), 1 / Math.sqrt(32)));
        const out = tf.reshape(tf.matMul(attn, vv), [128, 32]);
        return tf.sum(tf.square(tf.fused.matMul({ a: out as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb })));
      };
      return tf.grads(f)([q, k, v, w, bias]);
    };
    const ref = await valuesOn('cpu', grads);
    const got = await valuesOn('wasm', grads);
    ref.forEach((r, i) => expect(relativeError(r, got[i] as Float32Array)).toBeLessThan(1e-5));
  });
});
