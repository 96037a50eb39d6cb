import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap } from '@tensorflow/tfjs-core';
import { UnsupportedKernelAttributesError } from './errors.js';
import { KernelScratch, type KernelBackendLike } from './kernelScratch.js';

const NAME = 'UnsortedSegmentSum';

/**
 * out[s] = sum of x[i] over i with segmentIds[i] = s; ids outside
 * [0, numSegments) are dropped, as on tfjs-backend-cpu. It is the gradient of
 * gather (embedding lookups in trainable tables), missing from
 * tfjs-backend-wasm 4.22. A single pass on the heap: the tables are small and
 * the work is a scattered add, nothing a GEMM would speed up.
 */
export function unsortedSegmentSumKernel(backendName: string): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }) => {
    const { x, segmentIds } = args.inputs;
    if (x === undefined || segmentIds === undefined) throw new UnsupportedKernelAttributesError(NAME, 'inputs x and segmentIds are required.');
    if (x.dtype !== 'float32') throw new UnsupportedKernelAttributesError(NAME, `expected float32 x, got ${x.dtype}.`);
    const numSegments = args.attrs?.['numSegments'];
    if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
      throw new UnsupportedKernelAttributesError(NAME, `numSegments must be a non-negative integer, got ${String(numSegments)}.`);
    }
    const idRank = segmentIds.shape.length;
    if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
      throw new UnsupportedKernelAttributesError(NAME, `segmentIds shape [${segmentIds.shape}] must lead x's shape [${x.shape}].`);
    }
    const backend = args.backend as KernelBackendLike;
    const scratch = new KernelScratch(backend, backendName);
    try {
      const count = segmentIds.shape.reduce((p, d) => p * d, 1);
      const innerShape = x.shape.slice(idRank);
      const inner = innerShape.reduce((p, d) => p * d, 1);
      const ids = backend.readSync(segmentIds.dataId) as ArrayLike<number>;
      const out = scratch.allocate([numSegments, ...innerShape]);
      const dst = scratch.view(out);
      const src = scratch.view(x);
      dst.fill(0);
      for (let i = 0; i < count; i++) {
        const s = ids[i] as number;
        if (s < 0 || s >= numSegments) continue;
        const from = i * inner;
        const to = s * inner;
        for (let j = 0; j < inner; j++) dst[to + j] = (dst[to + j] as number) + (src[from + j] as number);
      }
      return scratch.keep(out);
    } finally {
      scratch.dispose();
    }
  };
  return { kernelName: NAME, backendName, kernelFunc: kernelFunc as KernelFunc };
}
