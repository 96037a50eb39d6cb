// Test-only: Gaussian feature sets with known statistics.
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { seededRandom } from '../distribution/seededRandom';

/** n x d standard normal draws (Box-Muller on a seeded PRNG). */
export function standardNormal(n: number, d: number, seed: number): Matrix {
  const random = seededRandom(seed);
  const m = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const u = 1 - random();
      const v = random();
      m.set(i, j, Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
  }
  return m;
}

function rowsToFloat64(m: Matrix): Float64Array {
  return Float64Array.from(m.to1DArray());
}

/** Samples from N(mean, cov): standard normal rows times chol(cov)^T plus mean. */
export function gaussianSamples(n: number, mean: number[], cov: number[][], seed: number): Float64Array {
  const l = new CholeskyDecomposition(new Matrix(cov)).lowerTriangularMatrix;
  const x = standardNormal(n, mean.length, seed).mmul(l.transpose());
  for (let i = 0; i < n; i++) for (let j = 0; j < mean.length; j++) x.set(i, j, x.get(i, j) + (mean[j] as number));
  return rowsToFloat64(x);
}

/**
 * n samples whose sample mean is exactly `mean` and whose unbiased sample
 * covariance is exactly `cov` (up to round-off): standard normal draws,
 * centred and whitened to identity sample covariance, then coloured.
 */
export function samplesWithExactStatistics(n: number, mean: number[], cov: number[][], seed: number): Float64Array {
  const d = mean.length;
  const z = standardNormal(n, d, seed);
  const mu = z.mean('column');
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z.set(i, j, z.get(i, j) - (mu[j] as number));
  const c = z.transpose().mmul(z).div(n - 1);
  const evd = new EigenvalueDecomposition(c, { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const invSqrt = Matrix.diag(evd.realEigenvalues.map((e) => 1 / Math.sqrt(e)));
  const white = z.mmul(v.mmul(invSqrt).mmul(v.transpose()));
  const l = new CholeskyDecomposition(new Matrix(cov)).lowerTriangularMatrix;
  const x = white.mmul(l.transpose());
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x.set(i, j, x.get(i, j) + (mean[j] as number));
  return rowsToFloat64(x);
}

/** Block-diagonal matrix from 2 x 2 blocks. */
export function blockDiagonal(blocks: number[][][]): number[][] {
  const d = 2 * blocks.length;
  const out = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  blocks.forEach((b, k) => {
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) (out[2 * k + i] as number[])[2 * k + j] = (b[i] as number[])[j] as number;
  });
  return out;
}
