import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from './kernelScratch.js';
import { transposeInnerOnHeap } from './tiledTranspose.js';

const NAME = 'BatchMatMul';

/**
 * Below this many multiply-adds per batch item, the per-item cost of an
 * XNNPACK operator (creation and weight packing) outweighs the backend's scalar
 * loop (measured in bench/wasmGradientsMatmul.ts).
 */
const MIN_MACS_PER_ITEM = 32 * 1024;

interface MatMulShape {
  batchA: number;
  batchB: number;
  /** Output batch dimensions (broadcast of a's and b's). */
  outBatchDims: number[];
  m: number;
  k: number;
  n: number;
}

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

function matMulShape(a: { shape: number[] }, b: { shape: number[] }, transposeA: boolean, transposeB: boolean): MatMulShape {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) {
    throw new UnsupportedKernelAttributesError(NAME, `expected rank >= 2 inputs, got shapes [${a.shape}] and [${b.shape}].`);
  }
  const dimsA = a.shape.slice(0, -2);
  const dimsB = b.shape.slice(0, -2);
  const m = transposeA ? (a.shape[ra - 1] as number) : (a.shape[ra - 2] as number);
  const k = transposeA ? (a.shape[ra - 2] as number) : (a.shape[ra - 1] as number);
  const kb = transposeB ? (b.shape[rb - 1] as number) : (b.shape[rb - 2] as number);
  const n = transposeB ? (b.shape[rb - 2] as number) : (b.shape[rb - 1] as number);
  if (k !== kb) {
    throw new UnsupportedKernelAttributesError(
      NAME,
      `inner dimensions differ: a [${a.shape}] (transposeA=${transposeA}) and b [${b.shape}] (transposeB=${transposeB}).`,
    );
  }
  const rank = Math.max(dimsA.length, dimsB.length);
  const outBatchDims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = dimsA[dimsA.length - rank + i] ?? 1;
    const db = dimsB[dimsB.length - rank + i] ?? 1;
    outBatchDims.push(Math.max(da, db));
  }
  return { batchA: product(dimsA), batchB: product(dimsB), outBatchDims, m, k, n };
}

/** Swaps the last two axes of a [batch, r, c] view, giving [batch, c, r]. */
function transposeInner(scratch: KernelScratch, x: TensorInfo, batch: number, r: number, c: number): TensorInfo {
  return transposeInnerOnHeap(scratch, x, batch, r, c);
}

/**
 * Products of untransposed [batch, rows, inner] x [batch, inner, cols]
 * operands on XNNPACK's fully-connected GEMM (the backend's BatchMatMul
 * without transposes and with batch 1). A shared right operand lets the batch
 * fold into the rows; otherwise each item is its own GEMM, concatenated.
 */
function plainBatchedGemm(
  scratch: KernelScratch,
  gemm: KernelConfig,
  x: TensorInfo,
  w: TensorInfo,
  batchX: number,
  batchW: number,
  rows: number,
  inner: number,
  cols: number,
): TensorInfo {
  const plain = { transposeA: false, transposeB: false };
  if (batchW === 1) {
    return scratch.runConfig(gemm, { a: reshapeView(x, [1, batchX * rows, inner]), b: reshapeView(w, [1, inner, cols]) }, plain);
  }
  const items: TensorInfo[] = [];
  for (let i = 0; i < Math.max(batchX, batchW); i++) {
    const xi = batchX === 1 ? reshapeView(x, [1, rows, inner]) : scratch.copyRange(x, i * rows * inner, [1, rows, inner]);
    const wi = scratch.copyRange(w, i * inner * cols, [1, inner, cols]);
    items.push(scratch.runConfig(gemm, { a: xi, b: wi }, plain));
  }
  return scratch.run('Concat', items as unknown as NamedTensorInfoMap, { axis: 0 });
}

/** How a product is computed: by the backend's own kernel, or on XNNPACK as op(A) op(B) or as (op(B)^T op(A)^T)^T. */
export type BatchMatMulPath = 'backend' | 'gemm' | 'gemm-swapped';

/**
 * The path for a float32 product of `aShape` and `bShape`. XNNPACK's GEMM
 * takes untransposed operands and packs (copies) its right operand, so of the
 * two equivalent forms
 *   C = op(A) op(B)            transposes A if tA, B if tB; packs B
 *   C = (op(B)^T op(A)^T)^T    transposes A if not tA, B if not tB, and C; packs A
 * the one moving fewer values is used. Attention's P^T dO (P is L x L) takes
 * the first form; dense layers' dx = dy W^T too (W is small).
 */
export function planBatchMatMul(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): BatchMatMulPath {
  const s = matMulShape({ shape: aShape }, { shape: bShape }, transposeA, transposeB);
  const alreadyFast = !transposeA && !transposeB && s.batchA === 1 && s.batchB === 1;
  // Broadcasting between two batched operands of different batch size is left to the backend.
  const batchesCompatible = s.batchB === 1 || s.batchA === 1 || s.batchA === s.batchB;
  if (alreadyFast || !batchesCompatible || s.m * s.k * s.n < MIN_MACS_PER_ITEM) return 'backend';
  const sizeA = s.batchA * s.m * s.k;
  const sizeB = s.batchB * s.k * s.n;
  const sizeC = Math.max(s.batchA, s.batchB) * s.m * s.n;
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + sizeC + sizeA;
  return direct <= swapped ? 'gemm' : 'gemm-swapped';
}

/** op(A) op(B) on XNNPACK along `path` (see planBatchMatMul). */
function batchMatMulViaGemm(
  scratch: KernelScratch,
  gemm: KernelConfig,
  a: TensorInfo,
  b: TensorInfo,
  s: MatMulShape,
  transposeA: boolean,
  transposeB: boolean,
  path: 'gemm' | 'gemm-swapped',
): TensorInfo {
  const { m, k, n, batchA, batchB } = s;
  const batch = Math.max(batchA, batchB);
  if (path === 'gemm') {
    const x = transposeA ? transposeInner(scratch, a, batchA, k, m) : a;
    const w = transposeB ? transposeInner(scratch, b, batchB, n, k) : b;
    return reshapeView(plainBatchedGemm(scratch, gemm, x, w, batchA, batchB, m, k, n), [...s.outBatchDims, m, n]);
  }
  // op(B)^T is B itself when tB, and op(A)^T is A itself when tA.
  const x = transposeB ? b : transposeInner(scratch, b, batchB, k, n);
  const w = transposeA ? a : transposeInner(scratch, a, batchA, m, k);
  const ct = plainBatchedGemm(scratch, gemm, x, w, batchB, batchA, n, k, m);
  return reshapeView(transposeInner(scratch, ct, batch, n, m), [...s.outBatchDims, m, n]);
}

/** op(A) op(B) along a given XNNPACK path; `gemm` is the backend's own BatchMatMul. Exported for the benchmark. */
export function batchMatMulOnGemm(
  backend: KernelBackendLike,
  backendName: string,
  gemm: KernelConfig,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  path: 'gemm' | 'gemm-swapped',
): TensorInfo {
  const scratch = new KernelScratch(backend, backendName);
  try {
    const s = matMulShape(a, b, transposeA, transposeB);
    const out = batchMatMulViaGemm(scratch, gemm, a, b, s, transposeA, transposeB, path);
    const owner = scratch.find(out.dataId);
    if (owner !== undefined) scratch.keep(owner);
    return out;
  } finally {
    scratch.dispose();
  }
}

/**
 * Kernel config replacing the wasm BatchMatMul. The backend's own kernel
 * (`original`) reaches XNNPACK only for a single untransposed product and runs
 * a scalar loop otherwise, i.e. for every matmul gradient and for batched
 * attention products. Here those run on XNNPACK (through `original`'s fast
 * case) where planBatchMatMul says it pays off; the rest goes to `original`.
 */
export function batchMatMulKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    if (original === undefined) {
      throw new UnsupportedKernelAttributesError(NAME, `the backend '${backendName}' has no BatchMatMul kernel to build on.`);
    }
    const { a, b } = args.inputs;
    if (a === undefined || b === undefined) throw new UnsupportedKernelAttributesError(NAME, 'inputs a and b are required.');
    const transposeA = args.attrs?.['transposeA'] === true;
    const transposeB = args.attrs?.['transposeB'] === true;
    const path = a.dtype === 'float32' && b.dtype === 'float32' ? planBatchMatMul(a.shape, b.shape, transposeA, transposeB) : 'backend';
    if (path === 'backend') return original.kernelFunc(args);
    return batchMatMulOnGemm(args.backend as KernelBackendLike, backendName, original, a, b, transposeA, transposeB, path);
  };
  return { kernelName: NAME, backendName, kernelFunc: kernelFunc as KernelFunc };
}
