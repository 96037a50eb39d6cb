import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsupportedKernelAttributesError } from './errors.js';
import { registerFusedGradient } from './fusedGradient.js';
import { simdAttention, simdAttentionFits } from './attentionSimd.js';
import { KernelScratch, type KernelBackendLike } from './kernelScratch.js';

/**
 * Multi-head softmax(scale q k^T) v. Input qkv [batch, tokens, 3 x heads x depth] (the query, key
 * and value projections side by side, each heads x depth channels); attrs heads, scale; output
 * [batch, tokens, heads x depth].
 */
export const ATTENTION_KERNEL = 'MedDiffAttention';
/** Its gradient: inputs dy, qkv and the forward output; output dqkv. */
export const ATTENTION_GRAD_KERNEL = 'MedDiffAttentionGrad';

interface AttentionShape {
  batch: number;
  tokens: number;
  heads: number;
  depth: number;
  scale: number;
}

function attentionShape(name: string, qkv: TensorInfo | undefined, attrs: NamedAttrMap | undefined): AttentionShape {
  if (qkv === undefined) throw new UnsupportedKernelAttributesError(name, "input 'qkv' is required.");
  const heads = attrs?.['heads'];
  const scale = attrs?.['scale'];
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new UnsupportedKernelAttributesError(name, `attribute 'scale' must be a finite number, got ${String(scale)}.`);
  if (qkv.dtype !== 'float32' || qkv.shape.length !== 3 || typeof heads !== 'number' || !Number.isInteger(heads) || heads < 1 || qkv.shape[2]! % (3 * heads) !== 0) {
    throw new UnsupportedKernelAttributesError(name, `qkv must be float32 [batch, tokens, 3 x ${String(heads)} heads x depth], got ${qkv.dtype} [${qkv.shape}].`);
  }
  const [batch, tokens, channels] = qkv.shape as [number, number, number];
  return { batch, tokens, heads, depth: channels / (3 * heads), scale };
}

/**
 * Copies `rows` runs of `len` values, `fromStride` apart in `from` (starting at `fromStart`), to
 * runs `toStride` apart in `to` (from `toStart`), times `factor`. Element loops: the runs are one
 * head's d values (16 to 64), where a copyWithin per run costs more than the copy.
 */
function copyRuns(from: Float32Array, fromStart: number, fromStride: number, to: Float32Array, toStart: number, toStride: number, rows: number, len: number, factor: number): void {
  for (let r = 0; r < rows; r++) {
    const f = fromStart + r * fromStride;
    const t = toStart + r * toStride;
    for (let i = 0; i < len; i++) to[t + i] = from[f + i]! * factor;
  }
}

/**
 * The [1, N, d] values of one head of one image, gathered from channels-last `x` whose tokens hold
 * `parts` blocks of heads x d channels (3 for qkv, 1 for the output), block `part`; scaled by
 * `factor` when given (q's scale is folded in here, on N x d values rather than N x N).
 */
function gather(scratch: KernelScratch, x: TensorInfo, s: AttentionShape, b: number, head: number, parts: number, part: number, factor = 1): TensorInfo {
  const width = s.heads * s.depth;
  const out = scratch.allocate([1, s.tokens, s.depth]);
  copyRuns(scratch.view(x), b * s.tokens * parts * width + part * width + head * s.depth, parts * width, scratch.view(out), 0, s.depth, s.tokens, s.depth, factor);
  return out;
}

/** Writes one head's [N, d] values into channels-last `x` (the inverse of gather), times `factor`. */
function scatter(scratch: KernelScratch, values: TensorInfo, x: TensorInfo, s: AttentionShape, b: number, head: number, parts: number, part: number, factor = 1): void {
  const width = s.heads * s.depth;
  copyRuns(scratch.view(values), 0, s.depth, scratch.view(x), b * s.tokens * parts * width + part * width + head * s.depth, parts * width, s.tokens, s.depth, factor);
}

/**
 * dS = P (dP - D) over an item's N x N scores, written over dP, with D_i = dy_i . o_i (rows of
 * `depth` values). A small function of its own so that V8 compiles the loop tightly.
 */
function softmaxBackwardInPlace(p: Float32Array, dp: Float32Array, dy: Float32Array, o: Float32Array, n: number, depth: number): void {
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let c = i * depth, end = c + depth; c < end; c++) d += dy[c]! * o[c]!;
    for (let j = i * n, end = j + n; j < end; j++) dp[j] = p[j]! * (dp[j]! - d);
  }
}

/** P = softmax(qs k^T) of one item, [1, N, N], on XNNPACK's GEMM and softmax (the backend's kernels). */
function probabilities(scratch: KernelScratch, qs: TensorInfo, k: TensorInfo): TensorInfo {
  const logits = scratch.run('BatchMatMul', { a: qs, b: k }, { transposeA: false, transposeB: true });
  return scratch.run('Softmax', { logits }, { dim: 2 });
}

/**
 * Allocates `shape` as the result, runs `item` for each head of each image with a scratch of its
 * own (freed after each, so every item reuses the same memory) and hands the result over.
 */
function perHead(backend: KernelBackendLike, s: AttentionShape, shape: number[], item: (scratch: KernelScratch, result: TensorInfo, b: number, h: number) => void): TensorInfo {
  const outputs = new KernelScratch(backend, 'wasm');
  try {
    const result = outputs.allocate(shape);
    for (let b = 0; b < s.batch; b++) {
      for (let h = 0; h < s.heads; h++) {
        const scratch = new KernelScratch(backend, 'wasm');
        try {
          item(scratch, result, b, h);
        } finally {
          scratch.dispose();
        }
      }
    }
    return outputs.keep(result);
  } finally {
    outputs.dispose();
  }
}

/**
 * Scaled dot-product attention one head of one image at a time, read straight from the packed
 * projections (no transposes of q, k, v): each item's N x N scores live only while the item is
 * computed (a few MB, in cache, instead of all of them at once), the scale is applied to q rather
 * than to the scores, and nothing of the N x N matrix is kept for backward: the gradient
 * recomputes it (one GEMM and a softmax), as FlashAttention does.
 */
function attention(args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }): TensorInfo {
  const qkv = args.inputs['qkv'];
  const s = attentionShape(ATTENTION_KERNEL, qkv, args.attrs);
  if (simdAttentionFits(s.tokens, s.depth)) return attentionOnSimd(args.backend as KernelBackendLike, qkv!, s);
  return perHead(args.backend as KernelBackendLike, s, [s.batch, s.tokens, s.heads * s.depth], (scratch, result, b, h) => {
    const p = probabilities(scratch, gather(scratch, qkv!, s, b, h, 3, 0, s.scale), gather(scratch, qkv!, s, b, h, 3, 1));
    const o = scratch.run('BatchMatMul', { a: p, b: gather(scratch, qkv!, s, b, h, 3, 2) }, { transposeA: false, transposeB: false });
    scatter(scratch, o, result, s, b, h, 1, 0);
  });
}

/** The forward on the WebAssembly SIMD kernel (attentionSimd.ts), head by head, straight between the heaps. */
function attentionOnSimd(backend: KernelBackendLike, qkv: TensorInfo, s: AttentionShape): TensorInfo {
  const outputs = new KernelScratch(backend, 'wasm');
  try {
    const result = outputs.allocate([s.batch, s.tokens, s.heads * s.depth]);
    const input = outputs.view(qkv);
    const out = outputs.view(result);
    const width = s.heads * s.depth;
    for (let b = 0; b < s.batch; b++) {
      for (let h = 0; h < s.heads; h++) {
        const part = (p: number) => ({ data: input, start: b * s.tokens * 3 * width + p * width + h * s.depth, stride: 3 * width });
        simdAttention(part(0), part(1), part(2), { data: out, start: b * s.tokens * width + h * s.depth, stride: width }, s.tokens, s.depth, s.scale);
      }
    }
    return outputs.keep(result);
  } finally {
    outputs.dispose();
  }
}

/**
 * dqkv of attention, per head of each image: P recomputed; dP = dy v^T; dS = P (dP - rowsum(dy o)),
 * using rowsum(P dP) = rowsum(dy o) (o = P v, the forward output); dq = scale dS k,
 * dk = dS^T (scale q), dv = P^T dy. The products run on the wasm BatchMatMul (XNNPACK, with its
 * transposes planned).
 */
function attentionGrad(args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }): TensorInfo {
  const { dy, qkv, out } = args.inputs;
  const s = attentionShape(ATTENTION_GRAD_KERNEL, qkv, args.attrs);
  const width = s.heads * s.depth;
  for (const [name, x] of [['dy', dy], ['out', out]] as const) {
    if (x === undefined || x.shape.join() !== [s.batch, s.tokens, width].join()) {
      throw new UnsupportedKernelAttributesError(ATTENTION_GRAD_KERNEL, `input '${name}' must have shape [${s.batch}, ${s.tokens}, ${width}], got [${x?.shape}].`);
    }
  }
  return perHead(args.backend as KernelBackendLike, s, qkv!.shape, (scratch, dqkv, b, h) => {
    const qs = gather(scratch, qkv!, s, b, h, 3, 0, s.scale);
    const k = gather(scratch, qkv!, s, b, h, 3, 1);
    const v = gather(scratch, qkv!, s, b, h, 3, 2);
    const dyh = gather(scratch, dy!, s, b, h, 1, 0);
    const oh = gather(scratch, out!, s, b, h, 1, 0);
    const p = probabilities(scratch, qs, k);
    const dp = scratch.run('BatchMatMul', { a: dyh, b: v }, { transposeA: false, transposeB: true });
    softmaxBackwardInPlace(scratch.view(p), scratch.view(dp), scratch.view(dyh), scratch.view(oh), s.tokens, s.depth);
    const dq = scratch.run('BatchMatMul', { a: dp, b: k }, { transposeA: false, transposeB: false });
    const dk = scratch.run('BatchMatMul', { a: dp, b: qs }, { transposeA: true, transposeB: false });
    const dv = scratch.run('BatchMatMul', { a: p, b: dyh }, { transposeA: true, transposeB: false });
    scatter(scratch, dq, dqkv, s, b, h, 3, 0, s.scale);
    scatter(scratch, dk, dqkv, s, b, h, 3, 1);
    scatter(scratch, dv, dqkv, s, b, h, 3, 2);
  });
}

/** The kernel functions by name, for registration (index.ts). */
export const ATTENTION_KERNEL_FUNCS: Readonly<Record<string, KernelFunc>> = {
  [ATTENTION_KERNEL]: attention as unknown as KernelFunc,
  [ATTENTION_GRAD_KERNEL]: attentionGrad as unknown as KernelFunc,
};

/** The gradient of ATTENTION_KERNEL, for every backend that registers both kernels. */
export function registerAttentionGradient(): void {
  registerFusedGradient(ATTENTION_KERNEL, ATTENTION_GRAD_KERNEL, { saveInputs: ['qkv'], saveOutput: true, names: ['qkv', 'out'], gradsFor: ['qkv'] });
}
