import { ShapeError } from '@meddiff/diffusion-core';

/**
 * Histogram matching (quantile mapping): each source pixel takes the value of the reference at
 * the same rank, `out = F_ref^-1(F_src(x))`. Ranks are computed exactly (ties share the mean
 * rank) and the reference quantile is interpolated linearly.
 */
export function matchHistogram(source: ArrayLike<number>, reference: ArrayLike<number>): Float32Array {
  const n = source.length;
  const m = reference.length;
  if (n === 0 || m === 0) throw new ShapeError('matchHistogram: empty image.');
  const ref = Float64Array.from(reference).sort();
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => source[a]! - source[b]!);
  const out = new Float32Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && source[order[j + 1]!] === source[order[i]!]) j++;
    // Mean rank of the tie group, as a fraction in [0, 1].
    const q = n === 1 ? 0.5 : (i + j) / 2 / (n - 1);
    const pos = q * (m - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(m - 1, lo + 1);
    const value = ref[lo]! + (pos - lo) * (ref[hi]! - ref[lo]!);
    for (let k = i; k <= j; k++) out[order[k]!] = value;
    i = j + 1;
  }
  return out;
}
