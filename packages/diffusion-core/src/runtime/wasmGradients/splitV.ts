import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { copyRunsOnHeap } from './heapCopy.js';
import { KernelScratch, type KernelBackendLike } from './kernelScratch.js';

/**
 * SplitV (the gradient of concat, e.g. of a U-Net skip connection) as direct
 * copies on the wasm heap. The backend's SplitV slices once per part, and its
 * Slice first reads the whole input out of the heap each time. Non-float32
 * inputs go to `original`.
 */
export function splitVKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const x = args.inputs['x'];
    const scratch = new KernelScratch(args.backend as KernelBackendLike, backendName);
    if (x === undefined || x.dtype !== 'float32' || !scratch.hasHeap) {
      if (original === undefined) throw new Error(`SplitV: the backend '${backendName}' has no SplitV kernel.`);
      return original.kernelFunc(args);
    }
    try {
      const axis = util.parseAxisParam(args.attrs?.['axis'] as number | number[], x.shape)[0] as number;
      const sizes = backend_util.prepareSplitSize(x, args.attrs?.['numOrSizeSplits'] as number | number[], axis);
      const outer = util.sizeFromShape(x.shape.slice(0, axis));
      const inner = util.sizeFromShape(x.shape.slice(axis + 1));
      const rowLength = (x.shape[axis] as number) * inner;
      const outs: TensorInfo[] = sizes.map((s) => {
        const shape = [...x.shape];
        shape[axis] = s;
        return scratch.allocate(shape);
      });
      // Views after all allocations (allocating may grow the heap).
      const src = scratch.view(x);
      let begin = 0;
      sizes.forEach((s, i) => {
        copyRunsOnHeap(src, scratch.view(outs[i] as TensorInfo), outer, s * inner, begin * inner, rowLength);
        begin += s;
      });
      return outs.map((o) => scratch.keep(o));
    } finally {
      scratch.dispose();
    }
  };
  return { kernelName: 'SplitV', backendName, kernelFunc: kernelFunc as KernelFunc };
}
