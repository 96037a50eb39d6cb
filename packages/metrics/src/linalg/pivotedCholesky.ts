import { dot } from './dot';

/**
 * Pivoted Cholesky factor of a symmetric positive semi-definite d x d matrix
 * (row-major): G (d x rank, stored with row stride d) with S = G G^T up to
 * round-off, in the matrix's own row order. Pivoting on the largest remaining
 * diagonal makes it stable for singular matrices and reveals the rank (Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., chapter 10);
 * it stops once every remaining diagonal entry is below d * eps * max(diag).
 * Left-looking: each new column is a dot product of rows already computed, so
 * the inner loops run over contiguous memory. About d^3 / 6 multiply-adds.
 */
export function pivotedCholesky(s: Float64Array, d: number): { factor: Float64Array; rank: number } {
  const g = new Float64Array(d * d);
  const diag = new Float64Array(d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) {
    diag[i] = s[i * d + i] as number;
    maxDiag = Math.max(maxDiag, diag[i] as number);
  }
  const tolerance = d * Number.EPSILON * maxDiag;
  const pivoted = new Uint8Array(d);
  let rank = 0;
  for (let k = 0; k < d; k++) {
    let p = -1;
    let best = tolerance;
    for (let i = 0; i < d; i++) {
      if (!pivoted[i] && (diag[i] as number) > best) {
        best = diag[i] as number;
        p = i;
      }
    }
    if (p < 0) break;
    pivoted[p] = 1;
    const pivot = Math.sqrt(best);
    const rowP = p * d;
    g[rowP + k] = pivot;
    for (let i = 0; i < d; i++) {
      if (pivoted[i]) continue;
      const rowI = i * d;
      const v = ((s[rowI + p] as number) - dot(g, rowI, g, rowP, k)) / pivot;
      g[rowI + k] = v;
      diag[i] = (diag[i] as number) - v * v;
    }
    rank = k + 1;
  }
  return { factor: g, rank };
}
