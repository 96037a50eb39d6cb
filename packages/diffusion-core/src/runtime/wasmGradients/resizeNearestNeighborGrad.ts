import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import { KernelScratch, type KernelBackendLike } from './kernelScratch.js';

/**
 * The gradient of nearest-neighbour upsampling by whole factors (fh, fw), as
 * tfjs-layers' UpSampling2D does: without aligned corners every dy pixel comes
 * from source pixel (r div fh, c div fw), so dx is the sum of each fh x fw
 * block of dy, a depthwise convolution with a filter of ones and stride
 * (fh, fw) that runs in XNNPACK. The backend's kernel searches a window per
 * output pixel in a scalar loop. Other cases (aligned corners, fractional
 * factors, non-float32) go to `original`.
 */
export function resizeNearestNeighborGradKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const { images, dy } = args.inputs;
    const fallback = () => {
      if (original === undefined) throw new Error(`ResizeNearestNeighborGrad: the backend '${backendName}' has no such kernel.`);
      return original.kernelFunc(args);
    };
    if (images === undefined || dy === undefined || dy.dtype !== 'float32' || images.shape.length !== 4 || dy.shape.length !== 4) {
      return fallback();
    }
    const [, h, w, c] = images.shape as [number, number, number, number];
    const [, yh, yw] = dy.shape as [number, number, number, number];
    if (args.attrs?.['alignCorners'] === true || h === 0 || w === 0 || yh % h !== 0 || yw % w !== 0) return fallback();
    const fh = yh / h;
    const fw = yw / w;
    const scratch = new KernelScratch(args.backend as KernelBackendLike, backendName);
    try {
      const ones = scratch.write(new Float32Array(fh * fw * c).fill(1), [fh, fw, c, 1]);
      const dx = scratch.run(
        'DepthwiseConv2dNative',
        { x: dy, filter: ones },
        { strides: [fh, fw], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
      );
      return scratch.keep(dx);
    } finally {
      scratch.dispose();
    }
  };
  return { kernelName: 'ResizeNearestNeighborGrad', backendName, kernelFunc: kernelFunc as KernelFunc };
}
