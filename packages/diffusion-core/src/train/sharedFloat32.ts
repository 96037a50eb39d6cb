/**
 * A copy of `values` (or `length` zeros) on a SharedArrayBuffer where the platform has one, so
 * data-parallel worker threads read it without a copy of their own; an ordinary Float32Array
 * elsewhere (a browser page that is not cross-origin isolated has no SharedArrayBuffer).
 */
export function sharedFloat32(values: Float32Array | number): Float32Array {
  const length = typeof values === 'number' ? values : values.length;
  const out = typeof SharedArrayBuffer === 'function' ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
  if (typeof values !== 'number') out.set(values);
  return out;
}
