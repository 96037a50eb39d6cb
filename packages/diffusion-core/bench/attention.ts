/**
 * One attention layer of the training bench's presets at 64 x 64 (batch 4), forward and forward +
 * backward: the fused wasm kernel (multiHeadAttention) against the same function composed of tfjs
 * ops (what other backends run), in one process, medians of 7.
 * Usage: npx tsx bench/attention.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/index';
import { multiHeadAttention } from '../src/nn/multiHeadAttention';
import { median, printTable } from './harness';

await selectBackend({ preferred: ['wasm'] });
const kernels = tf.getKernelsForBackend('wasm').filter((k) => k.kernelName.startsWith('MedDiffAttention'));
const withFused = (fused: boolean) => {
  for (const k of kernels) if (!fused) tf.unregisterKernel(k.kernelName, 'wasm');
  return () => { if (!fused) for (const k of kernels) tf.registerKernel(k); };
};

const rows: Array<Record<string, string | number>> = [];
for (const [preset, tokens, heads, depth] of [['tiny', 1024, 1, 16], ['small', 256, 2, 32]] as const) {
  const qkv = tf.randomNormal([4, tokens, 3 * heads * depth], 0, 1, 'float32', 1) as tf.Tensor3D;
  const grad = tf.grad((x: tf.Tensor) => tf.sum(multiHeadAttention(x as tf.Tensor3D, heads)));
  const row: Record<string, string | number> = { preset, 'batch x tokens x heads x d': `4 x ${tokens} x ${heads} x ${depth}` };
  for (const fused of [false, true]) {
    const restore = withFused(fused);
    const forward: number[] = [];
    const both: number[] = [];
    for (let i = 0; i < 9; i++) {
      let t0 = performance.now();
      tf.tidy(() => multiHeadAttention(qkv, heads).dataSync());
      if (i >= 2) forward.push(performance.now() - t0);
      t0 = performance.now();
      tf.tidy(() => grad(qkv).dataSync());
      if (i >= 2) both.push(performance.now() - t0);
    }
    restore();
    const label = fused ? 'fused' : 'composed';
    row[`${label} forward ms`] = median(forward);
    row[`${label} forward+backward ms`] = median(both);
  }
  rows.push(row);
  qkv.dispose();
}
console.log('\nOne attention layer on wasm, batch 4 (fused: kernel MedDiffAttention; composed: tfjs ops)');
printTable(rows);
