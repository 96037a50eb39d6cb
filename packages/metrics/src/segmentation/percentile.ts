/**
 * The q-th percentile (0..100) of `values` with linear interpolation between
 * the two nearest ranks, as numpy.percentile's default ('linear'). Sorts in place.
 */
export function percentile(values: Float64Array, q: number): number {
  values.sort();
  const pos = (q / 100) * (values.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, values.length - 1);
  const a = values[lo] as number;
  const b = values[hi] as number;
  return a + (b - a) * (pos - lo);
}
