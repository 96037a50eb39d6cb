/**
 * Eigenvalues (ascending) of a symmetric n x n matrix (row-major; only read,
 * never modified): Householder reduction to tridiagonal form, then bisection
 * with Sturm sequence counts (Golub and Van Loan, Matrix Computations, 4th ed.,
 * sections 8.3.1 and 8.4.1). No eigenvectors are formed, which is what makes it
 * cheaper than a full decomposition: about n^3 multiply-adds for the reduction
 * and O(n^2 log(1/eps)) for the bisection. Absolute accuracy about eps * |A|.
 */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const { diagonal, offDiagonal } = tridiagonalize(matrix, n);
  return tridiagonalEigenvalues(diagonal, offDiagonal);
}

/**
 * Householder tridiagonalisation: A = Q T Q^T, returning T's diagonal and
 * sub-diagonal. Works on the upper triangle only (row k of it holds column k
 * below the diagonal), so each step streams half the matrix twice: once for
 * p = A v, once for the rank-2 update.
 */
export function tridiagonalize(matrix: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const a = Float64Array.from(matrix);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const rowK = k * n;
    diagonal[k] = a[rowK + k] as number;
    // Reflect x = A[k, k+1:] (= A[k+1:, k]) onto -sign(x0) |x| e1.
    let norm2 = 0;
    for (let j = k + 1; j < n; j++) norm2 += (a[rowK + j] as number) ** 2;
    if (norm2 === 0) {
      offDiagonal[k] = 0;
      continue;
    }
    const x0 = a[rowK + k + 1] as number;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    offDiagonal[k] = alpha;
    // v = (x - alpha e1) / |x - alpha e1|, so H = I - 2 v v^T.
    const scale = 1 / Math.sqrt(norm2 - x0 * x0 + (x0 - alpha) ** 2);
    v[k + 1] = (x0 - alpha) * scale;
    for (let j = k + 2; j < n; j++) v[j] = (a[rowK + j] as number) * scale;
    // p = A22 v from the upper triangle: row i contributes to p_i and, by symmetry, to p_j.
    w.fill(0, k + 1);
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i] as number;
      let sum = (a[row + i] as number) * vi;
      for (let j = i + 1; j < n; j++) {
        const aij = a[row + j] as number;
        sum += aij * (v[j] as number);
        w[j] = (w[j] as number) + aij * vi;
      }
      w[i] = (w[i] as number) + sum;
    }
    // K = v^T p, w = p - K v; then H A22 H = A22 - 2 v w^T - 2 w v^T.
    let kappa = 0;
    for (let i = k + 1; i < n; i++) kappa += (v[i] as number) * (w[i] as number);
    for (let i = k + 1; i < n; i++) w[i] = (w[i] as number) - kappa * (v[i] as number);
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = 2 * (v[i] as number);
      const wi = 2 * (w[i] as number);
      for (let j = i; j < n; j++) a[row + j] = (a[row + j] as number) - vi * (w[j] as number) - wi * (v[j] as number);
    }
  }
  if (n >= 2) {
    diagonal[n - 2] = a[(n - 2) * n + n - 2] as number;
    offDiagonal[n - 2] = a[(n - 2) * n + n - 1] as number;
  }
  if (n >= 1) diagonal[n - 1] = a[(n - 1) * n + n - 1] as number;
  return { diagonal, offDiagonal };
}

/** All eigenvalues of the symmetric tridiagonal matrix (d, e), ascending, by bisection. */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  // Gershgorin interval containing every eigenvalue.
  let lo = Infinity;
  let hi = -Infinity;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.abs(i > 0 ? (e[i - 1] as number) : 0) + Math.abs(i < n - 1 ? (e[i] as number) : 0);
    lo = Math.min(lo, (d[i] as number) - r);
    hi = Math.max(hi, (d[i] as number) + r);
    norm = Math.max(norm, Math.abs(d[i] as number) + r);
  }
  const e2 = Float64Array.from(e, (x) => x * x);
  const pivmin = Number.MIN_VALUE * 1e10 + Number.EPSILON * Number.EPSILON * Math.max(norm * norm, 1e-300);
  // Number of eigenvalues < x: the negative pivots of LDL^T of (T - x I) (Sylvester's law of inertia).
  const countBelow = (x: number): number => {
    let count = 0;
    let q = 1;
    for (let i = 0; i < n; i++) {
      q = (d[i] as number) - x - (i > 0 ? (e2[i - 1] as number) / q : 0);
      if (Math.abs(q) < pivmin) q = -pivmin;
      if (q < 0) count++;
    }
    return count;
  };
  const out = new Float64Array(n);
  const tolerance = 2 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi));
  for (let k = 0; k < n; k++) {
    // The (k+1)-th smallest eigenvalue lies in [a, b): countBelow(a) <= k < countBelow(b).
    let a = k > 0 ? Math.max(lo, out[k - 1] as number) : lo;
    let b = hi;
    while (b - a > tolerance) {
      const mid = 0.5 * (a + b);
      if (mid <= a || mid >= b) break;
      if (countBelow(mid) > k) b = mid;
      else a = mid;
    }
    out[k] = 0.5 * (a + b);
  }
  return out;
}
