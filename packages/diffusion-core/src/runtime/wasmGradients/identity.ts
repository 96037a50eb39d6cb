import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Identity (tf.clone) sharing the input's buffer by reference count, as
 * tfjs-backend-cpu does; tensors are immutable, so no copy is needed. The
 * engine clones every tensor it saves for the backward pass, and the wasm
 * backend's own kernel copies each one (about 170 full-size copies in one
 * small U-Net step). Strings go to `original`.
 */
export function identityKernel(backendName: string, original: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: object; attrs?: NamedAttrMap }): TensorInfo | TensorInfo[] => {
    const x = args.inputs['x'];
    const backend = args.backend as Partial<RefCountingBackend>;
    if (x === undefined || x.dtype === 'string' || typeof backend.incRef !== 'function') {
      if (original === undefined) throw new Error(`Identity: the backend '${backendName}' has no Identity kernel.`);
      return original.kernelFunc(args);
    }
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName, kernelFunc: kernelFunc as KernelFunc };
}
