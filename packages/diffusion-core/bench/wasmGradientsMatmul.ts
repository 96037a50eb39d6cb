/*
 * Median ms of BatchMatMul on wasm: the backend's own kernel against this
 * package's XNNPACK paths (direct op(A) op(B), and swapped (op(B)^T op(A)^T)^T),
 * for the products of dense and attention layers and their gradients, and
 * for small products (where the backend's loop should stay).
 * Usage: npx tsx bench/wasmGradientsMatmul.ts [--reps N]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { batchMatMulOnGemm, planBatchMatMul } from '../src/runtime/wasmGradients/batchMatMul.js';
import type { KernelBackendLike } from '../src/runtime/wasmGradients/kernelScratch.js';

const repsArg = process.argv.indexOf('--reps');
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 7;

const cases: [string, number[], number[], boolean, boolean][] = [
  ['attention scores q k^T', [4, 1024, 128], [4, 1024, 128], false, true],
  ['attention output P v', [4, 1024, 1024], [4, 1024, 128], false, false],
  ['attention grad dv = P^T dO', [4, 1024, 1024], [4, 1024, 128], true, false],
  ['attention grad dP = dO v^T', [4, 1024, 128], [4, 1024, 128], false, true],
  ['attention 16x16 scores', [4, 256, 64], [4, 256, 64], false, true],
  ['attention 16x16 dv = P^T dO', [4, 256, 256], [4, 256, 64], true, false],
  ['dense grad dW = x^T dy', [4096, 128], [4096, 128], true, false],
  ['dense grad dx = dy W^T', [4096, 128], [128, 128], false, true],
  ['small 16x32x16 batched', [8, 16, 32], [8, 32, 16], false, false],
  ['small 32x32x32 transposed', [32, 32], [32, 32], true, false],
  ['small 64x64x64 transposed', [64, 64], [64, 64], true, false],
];

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => TensorInfo, backend: KernelBackendLike): number {
  backend.disposeData(fn().dataId);
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    ts.push(performance.now() - t0);
    backend.disposeData(out.dataId);
  }
  return median(ts);
}

await tf.setBackend('wasm');
const backend = tf.backend() as unknown as KernelBackendLike;
const own = tf.getKernel('BatchMatMul', 'wasm');
if (own === undefined) throw new Error('no wasm BatchMatMul');
const rows = [['case', 'a', 'b', 'tA', 'tB', 'backend ms', 'gemm ms', 'swapped ms', 'planned']];
for (const [name, as, bs, ta, tb] of cases) {
  const a = tf.randomNormal(as);
  const b = tf.randomNormal(bs);
  const attrs = { transposeA: ta, transposeB: tb };
  const tOwn = time(() => own.kernelFunc({ inputs: { a, b }, backend, attrs }) as TensorInfo, backend);
  const tDirect = time(() => batchMatMulOnGemm(backend, 'wasm', own, a, b, ta, tb, 'gemm'), backend);
  const tSwapped = time(() => batchMatMulOnGemm(backend, 'wasm', own, a, b, ta, tb, 'gemm-swapped'), backend);
  rows.push([name, `[${as}]`, `[${bs}]`, String(ta), String(tb), tOwn.toFixed(2), tDirect.toFixed(2), tSwapped.toFixed(2), planBatchMatMul(as, bs, ta, tb)]);
  tf.dispose([a, b]);
}
const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const r of rows) console.log(r.map((v, i) => v.padEnd(widths[i] as number)).join(' | '));
console.log(`median of ${reps} runs after one warm-up, single-threaded wasm`);
