import { EmptyVolumeError, InvalidArgumentError } from '../errors.js';

/**
 * Percentiles (0..100) of the finite values, with linear interpolation between order statistics (NumPy's
 * default "linear" method). Selects the needed order statistics in one Float32 copy (quickselect,
 * linear time on average) rather than sorting it: a whole volume's 0.5 and 99.5 percentiles cost a
 * few passes over it, not an n log n sort.
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
  const values = copy.subarray(0, n);
  const ranks = new Set<number>();
  for (const p of ps) {
    const pos = (p / 100) * (n - 1);
    ranks.add(Math.floor(pos));
    ranks.add(Math.min(n - 1, Math.floor(pos) + 1));
  }
  // Ascending ranks: each selection leaves everything above its rank to the right, so the next one searches only there.
  const ordered = new Map<number, number>();
  let from = 0;
  for (const k of [...ranks].sort((a, b) => a - b)) {
    ordered.set(k, selectInPlace(values, k, from, n - 1));
    from = k;
  }
  return ps.map((p) => {
    const pos = (p / 100) * (n - 1);
    const lo = Math.floor(pos);
    const a = ordered.get(lo)!;
    const b = ordered.get(Math.min(n - 1, lo + 1))!;
    return a + (b - a) * (pos - lo);
  });
}

/**
 * Moves the k-th smallest of a[left..right] to a[k], smaller-or-equal values before it and
 * greater-or-equal after, and returns it (Hoare's selection with a median-of-three pivot).
 */
function selectInPlace(a: Float32Array, k: number, left: number, right: number): number {
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three to a[mid], so sorted or constant runs do not degrade to quadratic time.
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
