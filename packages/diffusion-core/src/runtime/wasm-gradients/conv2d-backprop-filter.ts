import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DGeometry, type Conv2DGradientAttrs } from './conv2d-geometry.js';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, type KernelBackendLike } from './kernel-scratch.js';

const NAME = 'Conv2DBackpropFilter';

/**
 * dW[kh, kw, c, o] = sum over n, i, j of x[n, i*s + kh - pt, j*s + kw - pl, c] * dy[n, i, j, o].
 *
 * Read with c as the batch, (i, j) as filter taps and n as the contracted
 * channel, this is itself a forward convolution: the input is x with batch and
 * channel axes swapped, [C, H, W, N]; the filter is dy as [Ho, Wo, N, O]; the
 * forward stride s becomes the dilation and the output has K x K pixels. That
 * runs in the backend's XNNPACK Conv2D; only two transposes of activations and
 * one of the (small) result are extra.
 */
export function conv2DBackpropFilterViaConv2D(
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
    let xt = scratch.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
    const dyt = scratch.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    // Bottom / right zero padding that makes the output exactly K x K; negative
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
    return scratch.keep(scratch.run('Transpose', { x: cw }, { perm: [1, 2, 0, 3] }));
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
    return conv2DBackpropFilterViaConv2D(
      backend as KernelBackendLike,
      backendName,
      x,
      dy,
      attrs as unknown as Conv2DGradientAttrs & { filterShape: [number, number, number, number] },
    );
  };
  return { kernelName: NAME, backendName, kernelFunc: kernelFunc as KernelFunc };
}
