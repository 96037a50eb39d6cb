import { EmptyVolumeError, InvalidArgumentError } from '../errors.js';

/**
 * Percentiles (0..100) of the finite values, with linear interpolation between order statistics (NumPy's
 * default "linear" method). Sorts one Float32 copy, so several percentiles cost one sort.
 */
export function percentiles(data: ArrayLike<number>, ps: readonly number[], select?: (value: number, index: number) => boolean): number[] {
  for (const p of ps) if (!(p >= 0 && p <= 100)) throw new InvalidArgumentError('percentiles', `percentile ${p} is outside 0..100`);
  let n = 0;
  const copy = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v) && (select === undefined || select(v, i))) copy[n++] = v;
  }
  if (n === 0) throw new EmptyVolumeError(undefined, 'no finite values to take percentiles of');
  const sorted = copy.subarray(0, n).sort();
  return ps.map((p) => {
    const pos = (p / 100) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  });
}
