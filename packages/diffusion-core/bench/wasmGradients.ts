/*
 * Median time per conv2d kernel on the wasm backend: forward, the backend's own
 * Conv2DBackpropInput, this package's replacements, and alternative
 * Conv2DBackpropFilter formulations; then a whole forward+backward through
 * tf.grads against the forward alone.
 * Usage: npx tsx bench/wasmGradients.ts [--reps N] [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerWasmGradientKernels } from '../src/runtime/wasmGradients/index.js';
import type { KernelBackendLike } from '../src/runtime/wasmGradients/kernelScratch.js';
import {
  conv2DBackpropFilterBatchAsChannel,
  conv2DBackpropFilterIm2Col,
  conv2DBackpropFilterPerTapMatMul,
} from './wasmGradientsAlternatives.js';

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly stride: number;
  readonly pad: 'same' | 'valid';
}

const quick = process.argv.includes('--quick');
const repsArg = process.argv.indexOf('--reps');
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : quick ? 3 : 10;

const cases: Case[] = [
  { name: '3x3 s1 same 4x64x64x64->64', x: [4, 64, 64, 64], w: [3, 3, 64, 64], stride: 1, pad: 'same' },
  { name: '3x3 s2 same 4x64x64x64->64', x: [4, 64, 64, 64], w: [3, 3, 64, 64], stride: 2, pad: 'same' },
  { name: '1x1 s1 4x64x64x64->64', x: [4, 64, 64, 64], w: [1, 1, 64, 64], stride: 1, pad: 'valid' },
  { name: '3x3 s1 same 4x32x32x128->128', x: [4, 32, 32, 128], w: [3, 3, 128, 128], stride: 1, pad: 'same' },
  { name: '3x3 s1 same 4x64x64x192->64', x: [4, 64, 64, 192], w: [3, 3, 192, 64], stride: 1, pad: 'same' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function timeMs(fn: () => void): number {
  fn(); // warm-up: operator creation, memory growth
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function runKernelDirect(backend: KernelBackendLike, kernel: KernelFunc, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): void {
  const out = kernel({ inputs, backend, attrs }) as TensorInfo;
  backend.disposeData(out.dataId);
}

function maxAbsDiff(backend: tf.KernelBackend, a: TensorInfo, b: TensorInfo): number {
  const va = backend.readSync(a.dataId) as Float32Array;
  const vb = backend.readSync(b.dataId) as Float32Array;
  let m = 0;
  for (let i = 0; i < va.length; i++) m = Math.max(m, Math.abs((va[i] as number) - (vb[i] as number)));
  return m;
}

function gflops(c: Case, out: number[], ms: number): string {
  const macs = (out[0] as number) * (out[1] as number) * (out[2] as number) * c.w[0] * c.w[1] * c.w[2] * c.w[3];
  return ((2 * macs) / (ms * 1e6)).toFixed(1);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as tf.KernelBackend & KernelBackendLike;
  const builtinInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (builtinInput === undefined) throw new Error('wasm backend has no Conv2DBackpropInput');
  registerWasmGradientKernels();
  const conv = tf.getKernel('Conv2D', 'wasm');
  const ours = {
    input: tf.getKernel('Conv2DBackpropInput', 'wasm'),
    filter: tf.getKernel('Conv2DBackpropFilter', 'wasm'),
  };
  if (conv === undefined || ours.input === undefined || ours.filter === undefined) throw new Error('kernels missing');

  const rows: string[][] = [['case', 'kernel', 'median ms', 'GFLOP/s', 'max |diff| vs ours']];
  for (const c of cases) {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal(c.w, 0, 0.1, 'float32', 2) as tf.Tensor4D;
    const yShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
    const dy = tf.randomNormal(yShape, 0, 1, 'float32', 3) as tf.Tensor4D;
    const convAttrs: NamedAttrMap = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
    const inAttrs: NamedAttrMap = { ...convAttrs, inputShape: c.x };
    const filtAttrs: NamedAttrMap = { ...convAttrs, filterShape: c.w };
    const b = backend;

    const fwd = timeMs(() => runKernelDirect(b, conv.kernelFunc, { x, filter: w }, convAttrs));
    rows.push([c.name, 'Conv2D (forward, XNNPACK)', fwd.toFixed(1), gflops(c, yShape, fwd), '']);

    const refIn = ours.input.kernelFunc({ inputs: { dy, filter: w }, backend: b, attrs: inAttrs }) as TensorInfo;
    const bIn = builtinInput.kernelFunc({ inputs: { dy, filter: w }, backend: b, attrs: inAttrs }) as TensorInfo;
    const dIn = maxAbsDiff(b, refIn, bIn);
    b.disposeData(bIn.dataId);
    if (!quick) {
      const t = timeMs(() => runKernelDirect(b, builtinInput.kernelFunc, { dy, filter: w }, inAttrs));
      rows.push([c.name, 'Conv2DBackpropInput, tfjs-backend-wasm (C++ loop)', t.toFixed(1), gflops(c, yShape, t), dIn.toExponential(1)]);
    }
    const tIn = timeMs(() => runKernelDirect(b, ours.input!.kernelFunc, { dy, filter: w }, inAttrs));
    rows.push([c.name, 'Conv2DBackpropInput, ours (Conv2D + depth-to-space)', tIn.toFixed(1), gflops(c, yShape, tIn), '0']);
    b.disposeData(refIn.dataId);

    const refF = ours.filter.kernelFunc({ inputs: { x, dy }, backend: b, attrs: filtAttrs }) as TensorInfo;
    const tF = timeMs(() => runKernelDirect(b, ours.filter!.kernelFunc, { x, dy }, filtAttrs));
    rows.push([c.name, 'Conv2DBackpropFilter, ours (phase im2col + XNNPACK GEMM)', tF.toFixed(1), gflops(c, yShape, tF), '0']);
    const attrsF = filtAttrs as unknown as Parameters<typeof conv2DBackpropFilterIm2Col>[3];
    for (const [label, fn] of [
      ['Conv2DBackpropFilter, alt: one Conv2D, batch as channel', conv2DBackpropFilterBatchAsChannel],
      ['Conv2DBackpropFilter, alt: per-tap XNNPACK matmul', conv2DBackpropFilterPerTapMatMul],
      ['Conv2DBackpropFilter, alt: im2col + one matmul', conv2DBackpropFilterIm2Col],
    ] as const) {
      const alt = fn(b, x, dy, attrsF);
      const d = maxAbsDiff(b, refF, alt);
      b.disposeData(alt.dataId);
      const t = timeMs(() => b.disposeData(fn(b, x, dy, attrsF).dataId));
      rows.push([c.name, label, t.toFixed(1), gflops(c, yShape, t), d.toExponential(1)]);
    }
    b.disposeData(refF.dataId);

    // Whole forward + backward (dx and dW) through the engine, against the forward alone.
    const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad), dy));
    const grads = tf.grads(loss);
    const tFwd = timeMs(() => tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad)).dispose());
    const tBoth = timeMs(() => tf.dispose(grads([x, w])));
    rows.push([c.name, 'tf.conv2d forward (engine)', tFwd.toFixed(1), '', '']);
    rows.push([c.name, `tf.grads forward+backward (engine): ${(tBoth / tFwd).toFixed(2)}x forward`, tBoth.toFixed(1), '', '']);
    tf.dispose([x, w, dy]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((v, i) => v.padEnd(widths[i] as number)).join(' | '));
  console.log(`median of ${reps} runs after one warm-up; wasm threads: 1 (Node), SIMD: ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}`);
}

await main();
