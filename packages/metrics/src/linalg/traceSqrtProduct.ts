import { dot, transposeColumns } from './dot';
import { pivotedCholesky } from './pivotedCholesky';
import { symmetricEigenvalues } from './symmetricEigenvalues';

/**
 * tr((S1 S2)^(1/2)) for symmetric positive semi-definite S1, S2 (d x d, row-major).
 *
 * With S1 = G1 G1^T and S2 = G2 G2^T (pivoted Cholesky; G of width rank S),
 * S1 S2 has the same non-zero eigenvalues as K K^T with K = G1^T G2, so the
 * trace is the sum of the singular values of K: the square roots of the
 * eigenvalues of the smaller of K K^T and K^T K. Working in the ranks of S1
 * and S2 leaves out their null spaces, whose round-off would otherwise come
 * back as square roots of tiny eigenvalues (of order sqrt(eps) |S| each) when
 * there are fewer samples than dimensions. Float64 throughout, no complex
 * arithmetic, no matrix square root, no regularising epsilon.
 * Cost about d^3 / 3 + d r1 r2 + min(r1, r2)^2 max(r1, r2) / 2 multiply-adds,
 * plus the eigenvalues of a min(r1, r2) square matrix.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  const a = pivotedCholesky(s1, d);
  const b = pivotedCholesky(s2, d);
  if (a.rank === 0 || b.rank === 0) return 0;
  // Let the narrower factor be `u` (width p) and the other `v` (width q), p <= q.
  const [u, p, v, q] = a.rank <= b.rank ? [a.factor, a.rank, b.factor, b.rank] : [b.factor, b.rank, a.factor, a.rank];
  // K = U^T V (p x q) as dot products of the transposed columns (contiguous rows of length d).
  const ut = transposeColumns(u, d, d, p);
  const vt = transposeColumns(v, d, d, q);
  const k = new Float64Array(p * q);
  for (let x = 0; x < p; x++) for (let y = 0; y < q; y++) k[x * q + y] = dot(ut, x * d, vt, y * d, d);
  // K K^T (p x p), symmetric: upper triangle, then mirrored.
  const m = new Float64Array(p * p);
  for (let x = 0; x < p; x++) {
    for (let y = x; y < p; y++) {
      const sum = dot(k, x * q, k, y * q, q);
      m[x * p + y] = sum;
      m[y * p + x] = sum;
    }
  }
  let trace = 0;
  for (const lambda of symmetricEigenvalues(m, p)) trace += Math.sqrt(Math.max(lambda, 0));
  return trace;
}
