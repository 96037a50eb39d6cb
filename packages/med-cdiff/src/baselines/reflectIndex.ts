/**
 * Index of sample `i` of an axis of length `n` extended by half-sample symmetric reflection
 * (d c b a | a b c d | d c b a), scipy.ndimage's mode 'reflect'. Any i, also several lengths out.
 */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}
