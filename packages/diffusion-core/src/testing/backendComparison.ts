import * as tf from '@tensorflow/tfjs-core';

/*
 * Helpers for the wasm kernel tests, which compare a backend with tfjs-backend-cpu (not exported by the package). Backends
 * are process-global in tfjs, so each comparison switches backend, computes,
 * and copies the results out as plain Float32Arrays.
 */

export type BackendName = 'cpu' | 'wasm';

/** Runs `fn` on `backend` inside tidy and returns copies of its outputs' values. */
export async function valuesOn(backend: BackendName, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const values = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  return values;
}

/** max |a - b| / max(max |a|, 1e-12): error relative to the reference's scale. */
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  if (reference.length !== actual.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const a = actual[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(r)) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, Math.abs(r - a));
    scale = Math.max(scale, Math.abs(r));
  }
  return diff / scale;
}

/** Number of data buffers the active backend holds (catches buffers freed by nobody). */
export function backendDataIds(): number {
  return (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
}

/** Deterministic input of `shape` (seeded, generated in JS so equal on every backend). */
export function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.randomNormal(shape, 0, scale, 'float32', seed);
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
  disposeData(dataId: object): boolean;
}

/**
 * tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad indexes dy with the
 * images' batch stride, so its result is wrong for batch > 1 (the wasm
 * kernel is right). For reference values, this re-registers the cpu kernel
 * to run the upstream one image at a time, where it is correct.
 */
export function useBatchSafeCpuResizeNearestNeighborGrad(): void {
  const name = 'ResizeNearestNeighborGrad';
  const upstream = tf.getKernel(name, 'cpu');
  if (upstream === undefined || (upstream.kernelFunc as { perImage?: boolean }).perImage === true) return;
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]) => {
    const b = backend as CpuBackendLike;
    const images = inputs['images'] as tf.TensorInfo;
    const dy = inputs['dy'] as tf.TensorInfo;
    const [n, h, w, c] = images.shape as [number, number, number, number];
    const [, yh, yw] = dy.shape as [number, number, number, number];
    const dyValues = Float32Array.from(b.readSync(dy.dataId) as ArrayLike<number>);
    const out = new Float32Array(n * h * w * c);
    for (let i = 0; i < n; i++) {
      const img = b.write(new Float32Array(h * w * c), [1, h, w, c], 'float32');
      const d = b.write(dyValues.slice(i * yh * yw * c, (i + 1) * yh * yw * c), [1, yh, yw, c], 'float32');
      const r = upstream.kernelFunc({
        inputs: { images: { dataId: img, shape: [1, h, w, c], dtype: 'float32' }, dy: { dataId: d, shape: [1, yh, yw, c], dtype: 'float32' } },
        backend,
        attrs,
      }) as tf.TensorInfo;
      out.set(b.readSync(r.dataId) as Float32Array, i * h * w * c);
      [img, d, r.dataId].forEach((id) => b.disposeData(id));
    }
    return { dataId: b.write(out, [n, h, w, c], 'float32'), shape: [n, h, w, c], dtype: 'float32' as const };
  };
  Object.assign(kernelFunc, { perImage: true });
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({ ...upstream, kernelFunc: kernelFunc as tf.KernelFunc });
}
