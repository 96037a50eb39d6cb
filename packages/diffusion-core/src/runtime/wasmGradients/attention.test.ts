import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { multiHeadAttention } from '../../nn/multiHeadAttention.js';
import { ATTENTION_KERNEL } from './attention.js';
import { registerWasmGradientKernels } from './index.js';
import { backendDataIds, relativeError, seeded, valuesOn } from '../../testing/backendComparison.js';

beforeAll(() => {
  registerWasmGradientKernels();
});

/** Attention's output and the gradient of a weighted sum of it (on cpu: composed of tfjs ops). */
function attentionAndGrads(shape: [number, number, number], heads: number): tf.Tensor[] {
  const qkv = seeded(shape, 1, 2) as tf.Tensor3D;
  const weights = seeded([shape[0], shape[1], shape[2] / 3], 4);
  const f = (x: tf.Tensor) => tf.sum(tf.mul(multiHeadAttention(x as tf.Tensor3D, heads), weights));
  return [multiHeadAttention(qkv, heads), tf.grad(f)(qkv)];
}

describe('MedDiffAttention on wasm', () => {
  it('is registered on wasm only, so other backends compose the same function of tfjs ops', () => {
    expect(tf.getKernel(ATTENTION_KERNEL, 'wasm')).toBeDefined();
    expect(tf.getKernel(ATTENTION_KERNEL, 'cpu')).toBeUndefined();
  });

  it.each([
    { name: 'one head of 1024 tokens (tiny preset at 64 px)', shape: [2, 1024, 48], heads: 1 },
    { name: 'two heads of 256 tokens (small preset)', shape: [2, 256, 192], heads: 2 },
    { name: 'three heads of a few tokens', shape: [3, 7, 45], heads: 3 },
  ] as Array<{ name: string; shape: [number, number, number]; heads: number }>)('matches cpu, output and gradient, for $name, and frees all it made', async ({ shape, heads }) => {
    const ref = await valuesOn('cpu', () => attentionAndGrads(shape, heads));
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const got = await valuesOn('wasm', () => attentionAndGrads(shape, heads));
    for (const [i, name] of ['output', 'dqkv'].entries()) {
      expect(relativeError(ref[i]!, got[i]!), name).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('says what was wrong with its input', async () => {
    await tf.setBackend('wasm');
    const qkv = tf.zeros([2, 8, 12]) as tf.Tensor3D;
    expect(() => multiHeadAttention(qkv, 3)).toThrow(/qkv must be float32 \[batch, tokens, 3 x 3 heads x depth\], got float32 \[2,8,12\]/);
    qkv.dispose();
  });
});
