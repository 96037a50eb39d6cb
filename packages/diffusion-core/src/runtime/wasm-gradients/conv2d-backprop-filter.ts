import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGeometry, type Conv2DGradientAttrs } from './conv2d-geometry.js';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, reshapeView, type KernelBackendLike } from './kernel-scratch.js';

const NAME = 'Conv2DBackpropFilter';

/**
 * dW[kh, kw, c, o] = sum over n, i, j of x[n, i*s + kh - pt, j*s + kw - pl, c] * dy[n, i, j, o].
 *
 * Read with c as the batch, (i, j) as filter taps and n as the contracted
 * channel, this is itself a forward convolution: its input is x with batch and
 * channel axes swapped, [C, H, W, N]; its filter is dy as [Ho, Wo, N, O]; the
 * forward stride s becomes the dilation and the output has K_h x K_w pixels.
 * That runs in the backend's XNNPACK Conv2D; extra work is a transpose of x,
 * a (cheap, channel-preserving) transpose of dy and one of the small result.
 * (Measured alternatives, slower here: per-tap or im2col matmuls, and one
 * convolution per filter column with (j, n) folded into the channel; see
 * bench/wasm-gradients.ts.)
 */
function viaConv2D(scratch: KernelScratch, x: TensorInfo, dy: TensorInfo, g: Conv2DGeometry): TensorInfo {
  let xt = scratch.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = scratch.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  // Bottom / right zero padding that makes the output exactly K_h x K_w; negative
  // when the forward pass never read the last rows (valid padding, leftover).
  let padBottom = g.filterHeight + (g.outHeight - 1) * g.strideHeight - g.inHeight - g.padTop;
  let padRight = g.filterWidth + (g.outWidth - 1) * g.strideWidth - g.inWidth - g.padLeft;
  if (padBottom < 0 || padRight < 0) {
    const rows = g.inHeight + Math.min(padBottom, 0);
    const cols = g.inWidth + Math.min(padRight, 0);
    xt = scratch.run('Slice', { x: xt }, { begin: [0, 0, 0, 0], size: [g.inChannels, rows, cols, g.batch] });
    padBottom = Math.max(padBottom, 0);
    padRight = Math.max(padRight, 0);
  }
  const convAttrs: NamedAttrMap = {
    strides: [1, 1],
    pad: [
      [0, 0],
      [g.padTop, padBottom],
      [g.padLeft, padRight],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [g.strideHeight, g.strideWidth],
  };
  const cw = scratch.run('Conv2D', { x: xt, filter: dyt }, convAttrs);
  return scratch.run('Transpose', { x: cw }, { perm: [1, 2, 0, 3] });
}

/**
 * A 1x1, stride-1, unpadded convolution is a matmul: dW[c, o] = x^T dy over the
 * N*H*W pixels. One transpose of x, then XNNPACK's fully-connected GEMM (the
 * backend's BatchMatMul without transposes) with dy as the packed operand.
 */
function pointwiseViaMatMul(scratch: KernelScratch, x: TensorInfo, dy: TensorInfo, g: Conv2DGeometry): TensorInfo {
  const pixels = g.batch * g.inHeight * g.inWidth;
  const xt = scratch.run('Transpose', { x: reshapeView(x, [pixels, g.inChannels]) }, { perm: [1, 0] });
  const dw = scratch.run(
    'BatchMatMul',
    { a: reshapeView(xt, [1, g.inChannels, pixels]), b: reshapeView(dy, [1, pixels, g.outChannels]) },
    { transposeA: false, transposeB: false },
  );
  return reshapeView(dw, [1, 1, g.inChannels, g.outChannels]);
}

function isPlainPointwise(g: Conv2DGeometry): boolean {
  return (
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
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
    const dw = isPlainPointwise(g) ? pointwiseViaMatMul(scratch, x, dy, g) : viaConv2D(scratch, x, dy, g);
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
