import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGradientAttrs } from './conv2d-geometry.js';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from './kernel-scratch.js';

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
  /** Offset and length of dx inside the depth-to-space output. */
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
 * dx of y = conv2d(x, w) as one XNNPACK Conv2D of dy with a rearranged filter,
 * then DepthToSpace when strided. Replaces the wasm backend's scalar C++ loop.
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
    // Filter [K, K, C, O] -> [Mh, Mw, O, s*s*C]: taps of phase (rh, rw), flipped.
    let w = filter;
    const extraRows = rows.taps * s - g.filterHeight;
    const extraCols = cols.taps * s - g.filterWidth;
    if (extraRows > 0 || extraCols > 0) {
      w = scratch.run(
        'PadV2',
        { x: w },
        {
          paddings: [
            [0, extraRows],
            [0, extraCols],
            [0, 0],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    }
    const phased = reshapeView(w, [rows.taps, s, cols.taps, s, c, o]);
    const flipped = scratch.run('Reverse', { x: phased }, { dims: [0, 2] });
    const arranged = scratch.run('Transpose', { x: flipped }, { perm: [0, 2, 5, 1, 3, 4] });
    const g2 = reshapeView(arranged, [rows.taps, cols.taps, o, s * s * c]);

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
    let dx = scratch.run('Conv2D', { x: src, filter: g2 }, convAttrs);
    if (s > 1) dx = scratch.run('DepthToSpace', { x: dx }, { blockSize: s, dataFormat: 'NHWC' });
    const [, h, wd] = dx.shape;
    if (rows.cropStart !== 0 || cols.cropStart !== 0 || h !== g.inHeight || wd !== g.inWidth) {
      dx = scratch.run(
        'Slice',
        { x: dx },
        { begin: [0, rows.cropStart, cols.cropStart, 0], size: [g.batch, g.inHeight, g.inWidth, c] },
      );
    }
    return scratch.keep(dx);
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
