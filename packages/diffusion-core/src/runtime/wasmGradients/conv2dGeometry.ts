import { backend_util } from '@tensorflow/tfjs-core';
import { UnsupportedKernelAttributesError } from './errors.js';

type Shape4 = [number, number, number, number];

/** Sizes of a forward NHWC 2-D convolution y = conv2d(x, w), the ones its two gradients need. */
export interface Conv2DGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Zero rows / columns the forward pass added before the input. */
  readonly padTop: number;
  readonly padLeft: number;
}

export interface Conv2DGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function isShape4(shape: readonly number[]): shape is Shape4 {
  return shape.length === 4;
}

/**
 * The forward convolution's geometry, from the attributes tfjs passes to
 * Conv2DBackpropFilter / Conv2DBackpropInput (which carry no dilation: tfjs
 * computes conv2d gradients only for dilation 1). Checks that `dyShape` is the
 * forward output shape, so that a wrong call fails instead of computing garbage.
 */
export function conv2DGeometry(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: Conv2DGradientAttrs,
): Conv2DGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new UnsupportedKernelAttributesError(
      kernelName,
      `dataFormat '${attrs.dataFormat}' is not supported; only 'NHWC' is (as for the wasm Conv2D kernel). Transpose to NHWC first.`,
    );
  }
  if (!isShape4(xShape) || !isShape4(filterShape) || !isShape4(dyShape)) {
    throw new UnsupportedKernelAttributesError(
      kernelName,
      `expected rank-4 input, filter and dy, got shapes [${xShape}], [${filterShape}], [${dyShape}].`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    [...xShape],
    [...filterShape],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (expected.some((d, i) => d !== dyShape[i])) {
    throw new UnsupportedKernelAttributesError(
      kernelName,
      `dy has shape [${dyShape}] but the forward convolution of [${xShape}] by [${filterShape}] gives [${expected}].`,
    );
  }
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
