import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { standardNormal } from '../testing/gaussianSamples';
import { pivotedCholesky } from './pivotedCholesky';
import { symmetricEigenvalues } from './symmetricEigenvalues';
import { traceSqrtProduct } from './traceSqrtProduct';

// Oracles: ml-matrix's symmetric eigendecomposition and SVD.

/** X^T X / (n - 1) for an n x d standard normal X (not centred: rank min(n, d)). */
function gram(n: number, d: number, seed: number): Float64Array {
  const x = standardNormal(n, d, seed);
  return Float64Array.from(x.transpose().mmul(x).div(Math.max(n - 1, 1)).to1DArray());
}

/**
 * For S1 = X1^T X1 / (n1 - 1) and S2 likewise, tr((S1 S2)^(1/2)) is the sum of
 * the singular values of X1 X2^T / sqrt((n1 - 1)(n2 - 1)): an oracle that
 * needs no square root of a singular matrix.
 */
function nuclearNormOracle(n1: number, seed1: number, n2: number, seed2: number, d: number): number {
  const x1 = standardNormal(n1, d, seed1);
  const x2 = standardNormal(n2, d, seed2);
  const k = x1.mmul(x2.transpose()).div(Math.sqrt(Math.max(n1 - 1, 1) * Math.max(n2 - 1, 1)));
  return new SingularValueDecomposition(k, { autoTranspose: true }).diagonal.reduce((s, v) => s + v, 0);
}

function oracleEigenvalues(s: Float64Array, d: number): number[] {
  const m = Matrix.from1DArray(d, d, s);
  return new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
}

/** tr((S1 S2)^(1/2)) through S1^(1/2) from ml-matrix's eigenvectors. */
function oracleTraceSqrt(s1: Float64Array, s2: Float64Array, d: number): number {
  const e = new EigenvalueDecomposition(Matrix.from1DArray(d, d, s1), { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const root = v.mmul(Matrix.diag(e.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0))))).mmul(v.transpose());
  const m = root.mmul(Matrix.from1DArray(d, d, s2)).mmul(root);
  const sym = m.add(m.transpose()).div(2);
  return new EigenvalueDecomposition(sym, { assumeSymmetric: true }).realEigenvalues.reduce(
    (s, l) => s + Math.sqrt(Math.max(l, 0)),
    0,
  );
}

describe('symmetricEigenvalues', () => {
  for (const [n, seed] of [
    [1, 1],
    [2, 2],
    [3, 3],
    [17, 4],
    [60, 5],
  ] as const) {
    it(`matches the oracle on a random symmetric ${n} x ${n} matrix`, () => {
      const x = standardNormal(n, n, seed);
      const s = Float64Array.from(x.add(x.transpose()).to1DArray());
      const got = symmetricEigenvalues(s, n);
      const want = oracleEigenvalues(s, n);
      const scale = Math.max(...want.map(Math.abs));
      got.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-12 * scale));
    });
  }

  it('handles repeated eigenvalues and an already diagonal matrix', () => {
    const s = Float64Array.from([2, 0, 0, 0, 5, 0, 0, 0, 2]);
    expect(Array.from(symmetricEigenvalues(s, 3)).map((v) => Number(v.toFixed(12)))).toEqual([2, 2, 5]);
  });
});

describe('pivotedCholesky', () => {
  it('factors a positive definite matrix: S = G G^T, full rank', () => {
    const d = 12;
    const s = gram(40, d, 6);
    const { factor, rank } = pivotedCholesky(s, d);
    expect(rank).toBe(d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let k = 0; k < rank; k++) v += (factor[i * d + k] as number) * (factor[j * d + k] as number);
        expect(v).toBeCloseTo(s[i * d + j] as number, 10);
      }
    }
  });

  it('reveals the rank of a singular matrix and still reproduces it', () => {
    const d = 15;
    const s = gram(6, d, 7); // rank 6: not centred, so every sample counts
    const { factor, rank } = pivotedCholesky(s, d);
    expect(rank).toBe(6);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let k = 0; k < rank; k++) v += (factor[i * d + k] as number) * (factor[j * d + k] as number);
        expect(v).toBeCloseTo(s[i * d + j] as number, 10);
      }
    }
  });
});

describe('traceSqrtProduct', () => {
  for (const [label, n1, n2, d] of [
    ['full-rank covariances', 80, 90, 20],
    ['a singular first covariance', 8, 90, 20],
    ['a singular second covariance', 80, 8, 20],
    ['both singular', 8, 9, 20],
  ] as const) {
    it(`equals the nuclear norm of the cross-Gram matrix, ${label}`, () => {
      const s1 = gram(n1, d, 10 + n1);
      const s2 = gram(n2, d, 20 + n2);
      const want = nuclearNormOracle(n1, 10 + n1, n2, 20 + n2, d);
      const got = traceSqrtProduct(s1, s2, d);
      expect(Math.abs(got - want)).toBeLessThan(1e-12 * want);
      // The textbook route through S1^(1/2) agrees only to the round-off of its null space.
      expect(Math.abs(oracleTraceSqrt(s1, s2, d) - want)).toBeLessThan(1e-6 * want);
    });
  }

  it('is tr(S) for S with itself', () => {
    const d = 30;
    const s = gram(200, d, 3);
    let trace = 0;
    for (let i = 0; i < d; i++) trace += s[i * d + i] as number;
    expect(traceSqrtProduct(s, s, d)).toBeCloseTo(trace, 9);
  });
});
