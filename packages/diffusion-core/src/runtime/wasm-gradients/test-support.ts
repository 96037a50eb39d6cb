import * as tf from '@tensorflow/tfjs-core';

/*
 * Helpers for the wasm gradient tests (not exported by the package). Backends
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
