import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGradientAttrs } from './conv2dGeometry.js';
import { UnsupportedKernelAttributesError } from './errors.js';
import { copyRunsOnHeap } from './heapCopy.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from './kernelScratch.js';

const NAME = 'Conv2DBackpropInput';

type Shape4 = [number, number, number, number];

/** Where, along one spatial axis, the polyphase convolution reads dy and what it keeps. */
interface AxisPlan {
  /** Filter taps per phase, ceil(K / s). */
  taps: number;
  /** dy rows to read: [sliceStart, sliceEnd), then zero padding before / after. */
  sliceStart: number;
  sliceEnd: number;
  padBefore: number;
  padAfter: number;
  /** Offset of dx inside the depth-to-space output. */
  cropStart: number;
}

/*
 * Along one axis, dx[a] = sum over kh of dy[i] * w[kh] where i*s + kh = a + pt.
 * Writing a + pt = s*u + r (0 <= r < s) and kh = r + s*m gives
 *   dx[s*u + r - pt] = sum_{t < M} dy[u - (M-1) + t] * w[r + s*(M-1-t)],   M = ceil(K / s),
 * a stride-1 correlation of dy with one small flipped filter per phase r. All
 * phases run as one convolution with s*s*C output channels, and depth-to-space
 * interleaves them back into dx (the sub-pixel layout of Shi et al. 2016).
 */
function planAxis(inSize: number, outSize: number, filterSize: number, stride: number, padBefore: number): AxisPlan {
  const taps = Math.ceil(filterSize / stride);
  const u0 = Math.floor(padBefore / stride);
  const u1 = Math.ceil((padBefore + inSize) / stride);
  const v0 = u0 - (taps - 1);
  const v1 = u1;
  return {
    taps,
    sliceStart: Math.max(0, v0),
    sliceEnd: Math.min(outSize, v1),
    padBefore: Math.max(0, -v0),
    padAfter: Math.max(0, v1 - outSize),
    cropStart: padBefore - u0 * stride,
  };
}

/**
 * The filter of the polyphase convolution, [Mh, Mw, O, s*s*C] from w [Kh, Kw, C, O]:
 * G[th, tw, o, (rh*s + rw)*C + c] = w[rh + s*(Mh-1-th), rw + s*(Mw-1-tw), c, o], zero
 * where that tap lies outside w. Built in JS: filters are small, and this is several
 * times faster than the backend's rank-6 Reverse and Transpose.
 */
function phaseFilter(w: Float32Array, kh: number, kw: number, c: number, o: number, s: number): Float32Array {
  const mh = Math.ceil(kh / s);
  const mw = Math.ceil(kw / s);
  const depth = s * s * c;
  const out = new Float32Array(mh * mw * o * depth);
  let src = 0;
  for (let y = 0; y < kh; y++) {
    const th = mh - 1 - Math.floor(y / s);
    const rh = y % s;
    for (let x = 0; x < kw; x++) {
      const tw = mw - 1 - Math.floor(x / s);
      const base = (th * mw + tw) * o * depth + (rh * s + (x % s)) * c;
      for (let ci = 0; ci < c; ci++) {
        for (let oi = 0; oi < o; oi++) out[base + oi * depth + ci] = w[src++] as number;
      }
    }
  }
  return out;
}

/**
 * dx of y = conv2d(x, w) as one XNNPACK Conv2D of dy with a rearranged filter,
 * then a depth-to-space transpose when strided. Replaces the wasm backend's scalar C++ loop.
 */
export function conv2DBackpropInputViaConv2D(
  backend: KernelBackendLike,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DGradientAttrs & { inputShape: Shape4 },
): TensorInfo {
  const g = conv2DGeometry(NAME, attrs.inputShape, filter.shape, dy.shape, attrs);
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new UnsupportedKernelAttributesError(NAME, `expected float32 dy and filter, got ${dy.dtype} and ${filter.dtype}.`);
  }
  if (g.strideHeight !== g.strideWidth) {
    throw new UnsupportedKernelAttributesError(
      NAME,
      `strides [${g.strideHeight}, ${g.strideWidth}] differ; only equal strides are supported.`,
    );
  }
  const s = g.strideHeight;
  const rows = planAxis(g.inHeight, g.outHeight, g.filterHeight, s, g.padTop);
  const cols = planAxis(g.inWidth, g.outWidth, g.filterWidth, s, g.padLeft);
  const c = g.inChannels;
  const o = g.outChannels;

  const scratch = new KernelScratch(backend, backendName);
  try {
    const g2 = scratch.write(phaseFilter(scratch.read(filter), g.filterHeight, g.filterWidth, c, o, s), [
      rows.taps,
      cols.taps,
      o,
      s * s * c,
    ]);

    let src = dy;
    if (rows.sliceStart > 0 || rows.sliceEnd < g.outHeight || cols.sliceStart > 0 || cols.sliceEnd < g.outWidth) {
      src = scratch.run(
        'Slice',
        { x: dy },
        {
          begin: [0, rows.sliceStart, cols.sliceStart, 0],
          size: [g.batch, rows.sliceEnd - rows.sliceStart, cols.sliceEnd - cols.sliceStart, o],
        },
      );
    }
    const convAttrs: NamedAttrMap = {
      strides: [1, 1],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    };
    const phases = scratch.run('Conv2D', { x: src, filter: g2 }, convAttrs);
    const [, u, v] = phases.shape as Shape4;
    let dx = phases;
    if (s > 1) {
      // Depth-to-space as a transpose: [N, U, V, s, s, C] -> [N, U, s, V, s, C]
      // (the backend's DepthToSpace kernel is several times slower).
      dx = scratch.run('Transpose', { x: reshapeView(phases, [g.batch, u, v, s, s, c]) }, { perm: [0, 1, 3, 2, 4, 5] });
    }
    if (rows.cropStart !== 0 || cols.cropStart !== 0 || u * s !== g.inHeight || v * s !== g.inWidth) {
      // Crop rows of W*C values per image, as heap copies (the backend's Slice
      // would first read the whole tensor out of the heap).
      const cropped = scratch.allocate([g.batch, g.inHeight, g.inWidth, c]);
      const src = scratch.view(dx);
      const dst = scratch.view(cropped);
      const rowLength = v * s * c;
      for (let n = 0; n < g.batch; n++) {
        const from = (n * u * s + rows.cropStart) * rowLength + cols.cropStart * c;
        copyRunsOnHeap(src, dst, g.inHeight, g.inWidth * c, from, rowLength, n * g.inHeight * g.inWidth * c);
      }
      dx = cropped;
    }
    const result = reshapeView(dx, [g.batch, g.inHeight, g.inWidth, c]);
    scratch.keep(dx);
    return result;
  } finally {
    scratch.dispose();
  }
}

/**
 * Kernel config for Conv2DBackpropInput; falls back to `original` (the
 * backend's own kernel) for unequal strides, which the fast path does not cover.
 */
export function conv2DBackpropInputKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const { dy, filter } = args.inputs;
    if (dy === undefined || filter === undefined) {
      throw new UnsupportedKernelAttributesError(NAME, 'inputs dy and filter are required.');
    }
    const attrs = args.attrs as unknown as Conv2DGradientAttrs & { inputShape: Shape4 };
    const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
    if (sh !== sw && original !== undefined) return original.kernelFunc(args);
    return conv2DBackpropInputViaConv2D(args.backend as KernelBackendLike, backendName, dy, filter, attrs);
  };
  return { kernelName: NAME, backendName, kernelFunc: kernelFunc as KernelFunc };
}
