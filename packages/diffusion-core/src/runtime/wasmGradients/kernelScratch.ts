import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmKernelUnavailableError } from './errors.js';

/** The part of a tfjs backend a composed kernel touches. */
export interface KernelBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): unknown;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
}

/** What the wasm backend (BackendWasm) adds: tensors as views of its heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function isHeapBackend(b: object): b is HeapBackend {
  const c = b as Partial<HeapBackend>;
  return typeof c.makeOutput === 'function' && typeof c.typedArrayFromHeap === 'function';
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
    return this.runConfig(kernel, inputs, attrs);
  }

  /** Runs a given kernel config (e.g. one that has since been replaced in the registry). */
  runConfig(kernel: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      for (const o of out) this.owned.push(o);
      throw new Error(`KernelScratch: kernel ${kernel.kernelName} returned ${out.length} outputs; expected one.`);
    }
    this.owned.push(out);
    return out;
  }

  /** Whether the backend exposes its heap (the wasm backend does), so that `allocate` and `view` work. */
  get hasHeap(): boolean {
    return isHeapBackend(this.backend);
  }

  /** A new, uninitialised float32 tensor on the backend's heap; freed by `dispose` unless kept. */
  allocate(shape: number[]): TensorInfo {
    if (!isHeapBackend(this.backend)) throw new Error('KernelScratch.allocate: the backend has no heap (not wasm).');
    const out = this.backend.makeOutput(shape, 'float32');
    this.owned.push(out);
    return out;
  }

  /**
   * The values of float32 `info` in place on the heap. Take views after the
   * last `allocate`/`run`: allocating may grow the heap and detach older views.
   */
  view(info: TensorInfo): Float32Array {
    if (!isHeapBackend(this.backend)) throw new Error('KernelScratch.view: the backend has no heap (not wasm).');
    if (info.dtype !== 'float32') throw new Error(`KernelScratch.view: expected float32, got ${info.dtype}.`);
    return this.backend.typedArrayFromHeap(info);
  }

  /**
   * A copy of the `size` values of float32 `x` from flat offset `start`, as a
   * tensor of `shape`: one heap-to-heap copy. (The wasm Slice kernel first reads
   * its whole input out of the heap, which can cost more than the work it feeds.)
   */
  copyRange(x: TensorInfo, start: number, shape: number[]): TensorInfo {
    const size = shape.reduce((p, d) => p * d, 1);
    const out = this.allocate(shape);
    this.view(out).set(this.view(x).subarray(start, start + size));
    return out;
  }

  /** A float32 copy of `info`'s values (for small tensors such as filters). */
  read(info: TensorInfo): Float32Array {
    const values = this.backend.readSync(info.dataId);
    if (!(values instanceof Float32Array)) {
      throw new Error(`KernelScratch.read: expected float32 data, got ${info.dtype}.`);
    }
    return values;
  }

  /** A new float32 tensor on the backend holding `values`; freed by `dispose` unless kept. */
  write(values: Float32Array, shape: number[]): TensorInfo {
    const info: TensorInfo = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.owned.push(info);
    return info;
  }

  /** Stops tracking `info` (the caller now owns it) and returns it. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(info);
    if (i >= 0) this.owned.splice(i, 1);
    return info;
  }

  /** The tracked result holding `dataId`, if any (to keep the owner of a reshaped view). */
  find(dataId: object): TensorInfo | undefined {
    return this.owned.find((info) => info.dataId === dataId);
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
