import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmKernelUnavailableError } from './errors.js';

/** The part of a tfjs backend a composed kernel touches. */
export interface KernelBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Runs other kernels of one backend from inside a kernel function, outside the
 * engine (so no tensors are tracked), and frees every intermediate result it
 * produced unless it was handed out with `keep`. Call `dispose` in `finally`.
 */
export class KernelScratch {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackendLike,
    private readonly backendName: string,
  ) {}

  /** Runs kernel `name` of this backend; its output is freed by `dispose` unless kept. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (kernel === undefined) throw new WasmKernelUnavailableError(name, this.backendName);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      for (const o of out) this.owned.push(o);
      throw new Error(`KernelScratch.run: kernel ${name} returned ${out.length} outputs; expected one.`);
    }
    this.owned.push(out);
    return out;
  }

  /** Stops tracking `info` (the caller now owns it) and returns it. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(info);
    if (i >= 0) this.owned.splice(i, 1);
    return info;
  }

  /** Frees every result not kept, once each (backends count references per data id). */
  dispose(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}

/** A view of `info` with another shape of the same size (a free reshape: same data, no reference taken). */
export function reshapeView(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}
