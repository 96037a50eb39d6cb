/*
 * Other ways to compute Conv2DBackpropFilter on wasm, kept only so that
 * bench/wasmGradients.ts can compare them with the shipped one
 * (src/runtime/wasmGradients/conv2dBackpropFilter.ts). Stride / padding
 * handling is restricted to what the benchmark shapes need.
 */
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGradientAttrs } from '../src/runtime/wasmGradients/conv2dGeometry.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from '../src/runtime/wasmGradients/kernelScratch.js';

type Attrs = Conv2DGradientAttrs & { filterShape: [number, number, number, number] };

function paddedChannelsFirst(scratch: KernelScratch, x: TensorInfo, g: ReturnType<typeof conv2DGeometry>): TensorInfo {
  // x as [C, N, H, W], zero-padded so that every tap's strided window fits.
  const xt = scratch.run('Transpose', { x }, { perm: [3, 0, 1, 2] });
  const needH = (g.outHeight - 1) * g.strideHeight + g.filterHeight;
  const needW = (g.outWidth - 1) * g.strideWidth + g.filterWidth;
  return scratch.run(
    'PadV2',
    { x: xt },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [g.padTop, Math.max(0, needH - g.inHeight - g.padTop)],
        [g.padLeft, Math.max(0, needW - g.inWidth - g.padLeft)],
      ],
      constantValue: 0,
    },
  );
}

function tapWindow(scratch: KernelScratch, xp: TensorInfo, g: ReturnType<typeof conv2DGeometry>, kh: number, kw: number): TensorInfo {
  return scratch.run(
    'StridedSlice',
    { x: xp },
    {
      begin: [0, 0, kh, kw],
      end: [g.inChannels, g.batch, kh + (g.outHeight - 1) * g.strideHeight + 1, kw + (g.outWidth - 1) * g.strideWidth + 1],
      strides: [1, 1, g.strideHeight, g.strideWidth],
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    },
  );
}

/** One XNNPACK fully-connected matmul per filter tap: dW[kh, kw] = window(x)^T dy; dy is packed once and reused. */
export function conv2DBackpropFilterPerTapMatMul(backend: KernelBackendLike, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const g = conv2DGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, dy.shape, attrs);
  const scratch = new KernelScratch(backend, 'wasm');
  try {
    const xp = paddedChannelsFirst(scratch, x, g);
    const rowsPerTap = g.batch * g.outHeight * g.outWidth;
    const weights = reshapeView(dy, [1, rowsPerTap, g.outChannels]);
    const taps: TensorInfo[] = [];
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++) {
        const win = tapWindow(scratch, xp, g, kh, kw);
        const prod = scratch.run('BatchMatMul', { a: reshapeView(win, [1, g.inChannels, rowsPerTap]), b: weights }, { transposeA: false, transposeB: false });
        taps.push(prod);
      }
    }
    const all = scratch.run('Concat', taps as unknown as NamedTensorInfoMap, { axis: 0 });
    return reshapeView(scratch.keep(all), [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  } finally {
    scratch.dispose();
  }
}

/** im2col then one matmul: dW^T [O, K*K*C] = dy^T [O, N*Ho*Wo] x patches [N*Ho*Wo, K*K*C]. */
export function conv2DBackpropFilterIm2Col(backend: KernelBackendLike, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const g = conv2DGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, dy.shape, attrs);
  const scratch = new KernelScratch(backend, 'wasm');
  try {
    const xp = scratch.run(
      'PadV2',
      { x },
      {
        paddings: [
          [0, 0],
          [g.padTop, Math.max(0, (g.outHeight - 1) * g.strideHeight + g.filterHeight - g.inHeight - g.padTop)],
          [g.padLeft, Math.max(0, (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.inWidth - g.padLeft)],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const windows: TensorInfo[] = [];
    for (let kh = 0; kh < g.filterHeight; kh++) {
      for (let kw = 0; kw < g.filterWidth; kw++) {
        windows.push(
          scratch.run(
            'StridedSlice',
            { x: xp },
            {
              begin: [0, kh, kw, 0],
              end: [g.batch, kh + (g.outHeight - 1) * g.strideHeight + 1, kw + (g.outWidth - 1) * g.strideWidth + 1, g.inChannels],
              strides: [1, g.strideHeight, g.strideWidth, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ),
        );
      }
    }
    const patches = scratch.run('Concat', windows as unknown as NamedTensorInfoMap, { axis: 3 });
    const rows = g.batch * g.outHeight * g.outWidth;
    const dyt = scratch.run('Transpose', { x: reshapeView(dy, [rows, g.outChannels]) }, { perm: [1, 0] });
    const kkc = g.filterHeight * g.filterWidth * g.inChannels;
    const prod = scratch.run(
      'BatchMatMul',
      { a: reshapeView(dyt, [1, g.outChannels, rows]), b: reshapeView(patches, [1, rows, kkc]) },
      { transposeA: false, transposeB: false },
    );
    const dw = scratch.run('Transpose', { x: reshapeView(prod, [g.outChannels, kkc]) }, { perm: [1, 0] });
    return reshapeView(scratch.keep(dw), [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  } finally {
    scratch.dispose();
  }
}


/**
 * One Conv2D: x as [C, H, W, N] (batch and channel swapped) convolved with dy
 * as [Ho, Wo, N, O], the forward stride as dilation. XNNPACK then builds an
 * indirection buffer of C*K*K*Ho*Wo pointers and contracts only N values per
 * filter tap.
 */
export function conv2DBackpropFilterBatchAsChannel(backend: KernelBackendLike, x: TensorInfo, dy: TensorInfo, attrs: Attrs): TensorInfo {
  const g = conv2DGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, dy.shape, attrs);
  const scratch = new KernelScratch(backend, 'wasm');
  try {
    const xt = scratch.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
    const dyt = scratch.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const padBottom = g.filterHeight + (g.outHeight - 1) * g.strideHeight - g.inHeight - g.padTop;
    const padRight = g.filterWidth + (g.outWidth - 1) * g.strideWidth - g.inWidth - g.padLeft;
    if (padBottom < 0 || padRight < 0) throw new Error('benchmark variant: leftover rows not handled');
    const cw = scratch.run(
      'Conv2D',
      { x: xt, filter: dyt },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [g.padTop, padBottom],
          [g.padLeft, padRight],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [g.strideHeight, g.strideWidth],
      },
    );
    return scratch.keep(scratch.run('Transpose', { x: cw }, { perm: [1, 2, 0, 3] }));
  } finally {
    scratch.dispose();
  }
}
