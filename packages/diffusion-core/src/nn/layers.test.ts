import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../testing/backends';
import { EmbeddingInjection } from './embeddingInjection';
import { GroupNormalization } from './groupNormalization';
import { sinusoidalEmbedding } from './sinusoidalEmbedding';
import { SpatialSelfAttention } from './spatialSelfAttention';

beforeAll(() => useBackend('cpu'));

describe('GroupNormalization', () => {
  it('matches a direct computation of per-group statistics', async () => {
    const [b, h, w, c, groups] = [2, 3, 4, 6, 3];
    const x = tf.randomNormal([b, h, w, c], 1, 2, 'float32', 1);
    const layer = new GroupNormalization({ groups, epsilon: 1e-5 });
    const y = await (layer.apply(x) as tf.Tensor).data();
    const xs = await x.data();
    const per = c / groups;
    for (let n = 0; n < b; n++) {
      for (let g = 0; g < groups; g++) {
        const idx: number[] = [];
        for (let p = 0; p < h * w; p++) for (let k = 0; k < per; k++) idx.push(n * h * w * c + p * c + g * per + k);
        const mean = idx.reduce((a, i) => a + xs[i]!, 0) / idx.length;
        const variance = idx.reduce((a, i) => a + (xs[i]! - mean) ** 2, 0) / idx.length;
        for (const i of idx) expect(y[i]!).toBeCloseTo((xs[i]! - mean) / Math.sqrt(variance + 1e-5), 4);
      }
    }
    x.dispose();
    layer.dispose();
  });

  it('refuses channels that do not split into the groups', () => {
    const layer = new GroupNormalization({ groups: 4 });
    expect(() => layer.apply(tfl.input({ shape: [4, 4, 6] }))).toThrow(/6 channels do not split into 4 groups/);
  });
});

describe('sinusoidalEmbedding', () => {
  it('gives [cos(t f), sin(t f)] with f_i = 10000^(-i/half)', async () => {
    const e = sinusoidalEmbedding(tf.tensor1d([0, 3]), 8);
    const v = await e.data();
    expect(e.shape).toEqual([2, 8]);
    expect(Array.from(v.slice(0, 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(v[8 + 1]!).toBeCloseTo(Math.cos(3 * 10000 ** (-1 / 4)), 5);
    expect(v[8 + 4 + 2]!).toBeCloseTo(Math.sin(3 * 10000 ** (-2 / 4)), 5);
    e.dispose();
  });
});

describe('EmbeddingInjection', () => {
  it('adds a per-channel bias, or scales and shifts', async () => {
    const h = tf.ones([1, 2, 2, 2]);
    const add = new EmbeddingInjection({ mode: 'add' }).apply([h, tf.tensor2d([[1, -1]])]) as tf.Tensor;
    expect(Array.from(await add.data())).toEqual([2, 0, 2, 0, 2, 0, 2, 0]);
    const ss = new EmbeddingInjection({ mode: 'scale-shift' }).apply([h, tf.tensor2d([[1, 0, 0.5, 2]])]) as tf.Tensor;
    // h * (1 + scale) + shift = 1 * (2, 1) + (0.5, 2)
    expect(Array.from(await ss.data())).toEqual([2.5, 3, 2.5, 3, 2.5, 3, 2.5, 3]);
  });
});

describe('SpatialSelfAttention', () => {
  it('matches a naive softmax(q k^T / sqrt(d)) v per head', async () => {
    const [h, w, c, heads] = [2, 3, 4, 2];
    const qkv = tf.randomNormal([1, h, w, 3 * c], 0, 1, 'float32', 2);
    const out = await (new SpatialSelfAttention({ numHeads: heads }).apply(qkv) as tf.Tensor).data();
    const v = await qkv.data();
    const n = h * w;
    const d = c / heads;
    const at = (p: number, part: number, head: number, k: number) => v[p * 3 * c + part * c + head * d + k]!;
    for (let head = 0; head < heads; head++) {
      for (let p = 0; p < n; p++) {
        const logits = Array.from({ length: n }, (_, q) => {
          let s = 0;
          for (let k = 0; k < d; k++) s += at(p, 0, head, k) * at(q, 1, head, k);
          return s / Math.sqrt(d);
        });
        const mx = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < d; k++) {
          const expected = e.reduce((a, wq, q) => a + (wq / z) * at(q, 2, head, k), 0);
          expect(out[p * c + head * d + k]!).toBeCloseTo(expected, 4);
        }
      }
    }
  });
});
