import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ShapeMismatchError } from '../errors';
import type { FeatureStatistics } from './feature-statistics';

function symmetricMatrix(data: Float64Array, d: number): Matrix {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) m.set(i, j, 0.5 * ((data[i * d + j] as number) + (data[j * d + i] as number)));
  }
  return m;
}

/** Eigenvalues of a symmetric matrix; round-off negatives of a PSD matrix clamped to 0. */
function psdEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  return { values: evd.realEigenvalues.map((v) => Math.max(v, 0)), vectors: evd.eigenvectorMatrix };
}

/**
 * tr((S1 S2)^(1/2)) for covariance matrices S1, S2. S1 S2 is not symmetric, but
 * it is similar to S1^(1/2) S2 S1^(1/2), which is symmetric positive semi-definite
 * and has the same eigenvalues; so the trace is the sum of the square roots of
 * that matrix's eigenvalues. Two symmetric eigendecompositions, no complex
 * arithmetic, and no regularising epsilon even when S1 is singular (fewer
 * samples than dimensions).
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  const { values, vectors } = psdEigen(symmetricMatrix(s1, d));
  // S1^(1/2) = V diag(sqrt(lambda)) V^T; scale the columns of V, then multiply by V^T.
  const scaled = vectors.clone();
  for (let j = 0; j < d; j++) {
    const r = Math.sqrt(values[j] as number);
    for (let i = 0; i < d; i++) scaled.set(i, j, scaled.get(i, j) * r);
  }
  const root = scaled.mmul(vectors.transpose());
  const middle = root.mmul(symmetricMatrix(s2, d)).mmul(root);
  const sym = middle.add(middle.transpose()).mul(0.5);
  return psdEigen(sym).values.reduce((s, v) => s + Math.sqrt(v), 0);
}

/**
 * Fréchet distance between two Gaussians N(mu1, S1) and N(mu2, S2):
 * |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)) (Dowson and Landau 1982; used
 * as FID by Heusel et al. 2017, eq. 6). Float64 throughout; O(d^3), about a
 * minute for d = 2048 in Node.
 */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dim !== b.dim) {
    throw new ShapeMismatchError(
      `frechetDistance: the statistics have ${a.dim} and ${b.dim} dimensions; use features from the same extractor layer.`,
    );
  }
  const d = a.dim;
  let meanTerm = 0;
  let traceTerm = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += ((a.mean[i] as number) - (b.mean[i] as number)) ** 2;
    traceTerm += (a.covariance[i * d + i] as number) + (b.covariance[i * d + i] as number);
  }
  return meanTerm + traceTerm - 2 * traceSqrtProduct(a.covariance, b.covariance, d);
}
