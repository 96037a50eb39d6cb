import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import { KernelScratch, type KernelBackendLike } from './kernelScratch.js';

/** Runs of consecutive axes that are all reduced or all kept, with their strides. */
interface Segment {
  size: number;
  reduce: boolean;
  inStride: number;
  outStride: number;
}

function segmentsOf(shape: readonly number[], axes: readonly number[]): Segment[] {
  const merged: { size: number; reduce: boolean }[] = [];
  shape.forEach((size, i) => {
    const reduce = axes.includes(i);
    const last = merged[merged.length - 1];
    if (last !== undefined && last.reduce === reduce) last.size *= size;
    else merged.push({ size, reduce });
  });
  const segments: Segment[] = merged.map((m) => ({ ...m, inStride: 1, outStride: 0 }));
  let inStride = 1;
  let outStride = 1;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] as Segment;
    s.inStride = inStride;
    s.outStride = s.reduce ? 0 : outStride;
    inStride *= s.size;
    if (!s.reduce) outStride *= s.size;
  }
  return segments;
}

/** acc[kept index] += src[...] over one pass of `src` in memory order. */
function accumulate(src: Float32Array, acc: Float64Array, segments: Segment[]): void {
  // The last two segments run as tight loops (a reduce-then-keep pair is a
  // column sum, keep-then-reduce a row sum); outer segments recurse.
  const n = segments.length;
  const inner = segments[n - 1] as Segment;
  const outer = n >= 2 ? (segments[n - 2] as Segment) : { size: 1, reduce: true, inStride: 0, outStride: 0 };
  const pair = (inOff: number, outOff: number): void => {
    const rows = outer.size;
    const cols = inner.size;
    if (inner.reduce) {
      for (let r = 0; r < rows; r++) {
        let t = 0;
        const from = inOff + r * cols;
        for (let c = 0; c < cols; c++) t += src[from + c] as number;
        const o = outOff + r * outer.outStride;
        acc[o] = (acc[o] as number) + t;
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const from = inOff + r * cols;
        for (let c = 0; c < cols; c++) acc[outOff + c] = (acc[outOff + c] as number) + (src[from + c] as number);
      }
    }
  };
  const walk = (k: number, inOff: number, outOff: number): void => {
    if (k >= n - 2) {
      pair(inOff, outOff);
      return;
    }
    const s = segments[k] as Segment;
    for (let i = 0; i < s.size; i++) walk(k + 1, inOff + i * s.inStride, outOff + i * s.outStride);
  };
  walk(0, 0, 0);
}

/**
 * Sum (or Mean) over outer axes with the innermost axis kept (bias and
 * broadcast gradients), as one pass over the input on the wasm heap. The
 * backend first transposes the reduced axes to the end, a full copy with poor
 * locality (7.5 ms for the bias gradient of a 4x64x64x64 activation, against
 * 3 ms here). Other reductions and non-float32 inputs go to `original`.
 */
function reduceKernel(name: 'Sum' | 'Mean', backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const x = args.inputs['x'];
    const fallback = () => {
      if (original === undefined) throw new Error(`${name}: the backend '${backendName}' has no ${name} kernel.`);
      return original.kernelFunc(args);
    };
    if (x === undefined || x.dtype !== 'float32' || x.shape.length === 0) return fallback();
    const axisAttr = args.attrs?.['axis'] as number | number[] | null | undefined;
    const axes = util.parseAxisParam(axisAttr ?? x.shape.map((_, i) => i), x.shape);
    // Only when the innermost axis is kept: then the backend transposes the
    // whole input, while here each row adds into the output in order. (With
    // the innermost axis reduced, its transpose moves whole runs and is fast.)
    if (axes.length === 0 || axes.includes(x.shape.length - 1)) return fallback();
    const scratch = new KernelScratch(args.backend as KernelBackendLike, backendName);
    if (!scratch.hasHeap) return fallback();
    try {
      const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const acc = new Float64Array(util.sizeFromShape(outShape));
      accumulate(scratch.view(x), acc, segmentsOf(x.shape, axes));
      const n = util.sizeFromShape(reduceShape);
      // Like tfjs-backend-cpu, the mean over no elements is 0.
      if (name === 'Mean' && n > 0) {
        for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) / n;
      }
      const keepDims = args.attrs?.['keepDims'] === true;
      const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      const out = scratch.allocate(shape);
      scratch.view(out).set(acc);
      return scratch.keep(out);
    } finally {
      scratch.dispose();
    }
  };
  return { kernelName: name, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export function sumKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  return reduceKernel('Sum', backendName, original);
}

export function meanKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  return reduceKernel('Mean', backendName, original);
}
