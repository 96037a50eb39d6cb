import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGeometry, type Conv2DGradientAttrs } from './conv2dGeometry.js';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from './kernelScratch.js';

const NAME = 'Conv2DBackpropFilter';

/** Largest im2col block, in values (64 MB), before the taps are split over several GEMMs. */
const MAX_PATCH_VALUES = 16 * 1024 * 1024;

/** Layout of x split into stride phases, channels first, each phase grid flattened. */
interface PhaseLayout {
  /** Taps per phase along each axis: ceil(K / s). */
  tapsH: number;
  tapsW: number;
  /** Phase grid: Ho + tapsH - 1 rows, Wo + tapsW - 1 columns, for each of the N images. */
  gridH: number;
  gridW: number;
  /** Values per flattened grid, N * gridH * gridW: the GEMM's contraction length. */
  gridSize: number;
  /** Row length: the grid plus zeros for the largest tap offset. */
  rowLength: number;
}

function phaseLayout(g: Conv2DGeometry): PhaseLayout {
  const tapsH = Math.ceil(g.filterHeight / g.strideHeight);
  const tapsW = Math.ceil(g.filterWidth / g.strideWidth);
  const gridH = g.outHeight + tapsH - 1;
  const gridW = g.outWidth + tapsW - 1;
  const gridSize = g.batch * gridH * gridW;
  return { tapsH, tapsW, gridH, gridW, gridSize, rowLength: gridSize + (tapsH - 1) * gridW + (tapsW - 1) };
}

/**
 * Row ((rh * s_w + rw) * C + c) of `dst` gets phase (rh, rw) of channel c of x:
 * element (n, u, v) = x[n, u*s_h + rh - pt, v*s_w + rw - pl, c], zero outside x.
 * A channels-last to channels-first transpose done in blocks of columns so that
 * the C values read per pixel stay in cache across the C output rows.
 */
function writePhases(src: Float32Array, dst: Float32Array, g: Conv2DGeometry, p: PhaseLayout): void {
  dst.fill(0);
  const { inHeight: h, inWidth: w, inChannels: c, strideHeight: sh, strideWidth: sw } = g;
  const block = 16;
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const phaseRow0 = (rh * sw + rw) * c;
      // Columns v whose source column v*sw + rw - pl lies inside x.
      const v0 = Math.max(0, Math.ceil((g.padLeft - rw) / sw));
      const v1 = Math.min(p.gridW, Math.floor((w - 1 + g.padLeft - rw) / sw) + 1);
      for (let n = 0; n < g.batch; n++) {
        for (let u = 0; u < p.gridH; u++) {
          const y = u * sh + rh - g.padTop;
          if (y < 0 || y >= h) continue;
          const srcRow = (n * h + y) * w;
          const dstCol = (n * p.gridH + u) * p.gridW;
          for (let b0 = v0; b0 < v1; b0 += block) {
            const b1 = Math.min(b0 + block, v1);
            for (let ci = 0; ci < c; ci++) {
              const dstBase = (phaseRow0 + ci) * p.rowLength + dstCol;
              let from = (srcRow + b0 * sw + rw - g.padLeft) * c + ci;
              const step = sw * c;
              for (let v = b0; v < b1; v++) {
                dst[dstBase + v] = src[from] as number;
                from += step;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * dW[kh, kw, c, o] = sum over n, i, j of x[n, i*s + kh - pt, j*s + kw - pl, c] * dy[n, i, j, o].
 *
 * As a GEMM, dW [(kh, kw, c), o] = X [(kh, kw, c), (n, i, j)] dy [(n, i, j), o],
 * run on XNNPACK (the backend's untransposed BatchMatMul) with dy as the
 * packed operand, packed once for all taps. Im2col rows are cheap here: with x
 * split into stride phases and each phase grid flattened, the row of tap
 * kh = s*ah + rh, kw = s*aw + rw for channel c is one contiguous run of the
 * phase row, shifted by ah * gridW + aw. Summing over the whole grid instead of
 * the Ho x Wo outputs is exact because dy is zero-padded to the grid (the extra
 * grid rows and columns, at most K/s - 1 each, are the only waste).
 * (Measured alternatives, slower here: a Conv2D over x and dy with batch and
 * channel swapped, whose indirection buffer has Ho*Wo entries per output; see
 * bench/wasmGradients.ts.)
 */
function viaPhaseIm2Col(scratch: KernelScratch, x: TensorInfo, dy: TensorInfo, g: Conv2DGeometry): TensorInfo {
  const p = phaseLayout(g);
  const { inChannels: c, outChannels: o, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = g;
  const phases = scratch.allocate([sh * sw * c, p.rowLength]);
  writePhases(scratch.view(x), scratch.view(phases), g, p);
  const padded = p.gridH > g.outHeight || p.gridW > g.outWidth;
  const dyGrid = !padded
    ? dy
    : scratch.run(
        'PadV2',
        { x: dy },
        {
          paddings: [
            [0, 0],
            [0, p.gridH - g.outHeight],
            [0, p.gridW - g.outWidth],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
  const weights = reshapeView(dyGrid, [1, p.gridSize, o]);

  const taps = kh * kw;
  const groups = Math.max(1, Math.min(taps, Math.ceil((taps * c * p.gridSize) / MAX_PATCH_VALUES)));
  const perGroup = Math.ceil(taps / groups);
  const parts: TensorInfo[] = [];
  for (let t0 = 0; t0 < taps; t0 += perGroup) {
    const t1 = Math.min(t0 + perGroup, taps);
    let patches: TensorInfo;
    if (taps === 1 && sh * sw === 1 && p.rowLength === p.gridSize) {
      // A plain 1x1 convolution: the phase rows are the patches.
      patches = reshapeView(phases, [1, c, p.gridSize]);
    } else {
      patches = scratch.allocate([1, (t1 - t0) * c, p.gridSize]);
      const dst = scratch.view(patches);
      const src = scratch.view(phases);
      for (let t = t0; t < t1; t++) {
        const y = Math.floor(t / kw);
        const xcol = t % kw;
        const row0 = ((y % sh) * sw + (xcol % sw)) * c;
        const shift = Math.floor(y / sh) * p.gridW + Math.floor(xcol / sw);
        for (let ci = 0; ci < c; ci++) {
          const from = (row0 + ci) * p.rowLength + shift;
          dst.set(src.subarray(from, from + p.gridSize), ((t - t0) * c + ci) * p.gridSize);
        }
      }
    }
    parts.push(scratch.run('BatchMatMul', { a: patches, b: weights }, { transposeA: false, transposeB: false }));
  }
  const dw = parts.length === 1 ? (parts[0] as TensorInfo) : scratch.run('Concat', parts as unknown as NamedTensorInfoMap, { axis: 1 });
  return reshapeView(dw, [kh, kw, c, o]);
}

/** Conv2DBackpropFilter for float32 NHWC tensors, from the backend's XNNPACK kernels. */
export function conv2DBackpropFilterComposed(
  backend: KernelBackendLike,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DGradientAttrs & { filterShape: [number, number, number, number] },
): TensorInfo {
  const g = conv2DGeometry(NAME, x.shape, attrs.filterShape, dy.shape, attrs);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new UnsupportedKernelAttributesError(NAME, `expected float32 x and dy, got ${x.dtype} and ${dy.dtype}.`);
  }
  const scratch = new KernelScratch(backend, backendName);
  try {
    const dw = viaPhaseIm2Col(scratch, x, dy, g);
    // dw may be a reshaped view of a scratch result: keep that result, return the view.
    const owner = scratch.find(dw.dataId);
    if (owner !== undefined) scratch.keep(owner);
    return dw;
  } finally {
    scratch.dispose();
  }
}

export function conv2DBackpropFilterKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const { x, dy } = inputs;
    if (x === undefined || dy === undefined) {
      throw new UnsupportedKernelAttributesError(NAME, 'inputs x and dy are required.');
    }
    return conv2DBackpropFilterComposed(
      backend as KernelBackendLike,
      backendName,
      x,
      dy,
      attrs as unknown as Conv2DGradientAttrs & { filterShape: [number, number, number, number] },
    );
  };
  return { kernelName: NAME, backendName, kernelFunc: kernelFunc as KernelFunc };
}
