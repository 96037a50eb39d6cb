import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteValueError, ShapeMismatchError, InvalidShapeError } from '../errors';
import { useBackend } from '../testing/backend';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { blockDiagonal, gaussianSamples, samplesWithExactStatistics, standardNormal } from '../testing/gaussianSamples';
import { featureStatistics } from './featureStatistics';
import { fid } from './fid';
import { frechetDistance } from './frechetDistance';

type Block = [[number, number], [number, number]];

/**
 * Closed-form Fréchet distance for covariances made of 2 x 2 blocks: for a
 * 2 x 2 matrix M with non-negative eigenvalues, tr(M^(1/2)) = sqrt(tr M + 2 sqrt(det M)),
 * so tr((S1 S2)^(1/2)) needs no matrix square root even when S1 and S2 do not commute.
 */
function closedFormFrechet(mu1: number[], blocks1: Block[], mu2: number[], blocks2: Block[]): number {
  let value = mu1.reduce((s, m, i) => s + (m - (mu2[i] as number)) ** 2, 0);
  blocks1.forEach((a, k) => {
    const b = blocks2[k] as Block;
    const det = (m: Block) => m[0][0] * m[1][1] - m[0][1] * m[1][0];
    const trProduct = a[0][0] * b[0][0] + a[0][1] * b[1][0] + a[1][0] * b[0][1] + a[1][1] * b[1][1];
    value += a[0][0] + a[1][1] + b[0][0] + b[1][1];
    value -= 2 * Math.sqrt(trProduct + 2 * Math.sqrt(det(a) * det(b)));
  });
  return value;
}

const mu1 = [0.5, -1, 2, 0, 0.25, 3];
const mu2 = [1, -0.5, 1, 0.5, 0, 2];
const blocks1: Block[] = [
  [[2, 0.8], [0.8, 1]],
  [[1, -0.3], [-0.3, 0.5]],
  [[3, 1.2], [1.2, 2]],
];
const blocks2: Block[] = [
  [[1, -0.6], [-0.6, 2]],
  [[0.7, 0.2], [0.2, 1.5]],
  [[1, 0], [0, 4]],
];

describe('FID', () => {
  beforeAll(() => useBackend('cpu'));

  it('equals the closed form for two Gaussians with non-commuting covariances (exact sample statistics)', async () => {
    const a = samplesWithExactStatistics(400, mu1, blockDiagonal(blocks1), 1);
    const b = samplesWithExactStatistics(300, mu2, blockDiagonal(blocks2), 2);
    const want = closedFormFrechet(mu1, blocks1, mu2, blocks2);
    const got = await fid({ data: a, shape: [400, 6] }, { data: b, shape: [300, 6] });
    console.log(`FID exact-statistics case: closed form ${want}, computed ${got}, |diff| ${Math.abs(got - want).toExponential(2)}`);
    expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, want));

    // FID is invariant under a rotation of feature space; rotated, both covariances are dense.
    const q = new QrDecomposition(standardNormal(6, 6, 99)).orthogonalMatrix;
    const rotate = (x: Float64Array, n: number) =>
      Float64Array.from(new Matrix(Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 6, (i + 1) * 6)))).mmul(q).to1DArray());
    const dense = await fid({ data: rotate(a, 400), shape: [400, 6] }, { data: rotate(b, 300), shape: [300, 6] });
    expect(Math.abs(dense - want)).toBeLessThan(1e-9 * Math.max(1, want));
  });

  it('is close to the closed form for 20000 plain Gaussian samples per set', async () => {
    const want = closedFormFrechet(mu1, blocks1, mu2, blocks2);
    const n = 20000;
    const a = gaussianSamples(n, mu1, blockDiagonal(blocks1), 11);
    const b = gaussianSamples(n, mu2, blockDiagonal(blocks2), 12);
    const got = await fid({ data: a, shape: [n, 6] }, { data: b, shape: [n, 6] });
    // Sampling error of the estimated means and covariances, not round-off: about 0.5 % here.
    expect(Math.abs(got - want)).toBeLessThan(0.02 * want);
  });

  it('is 0 for a set against itself, also with fewer samples than dimensions (singular covariance)', async () => {
    const a = gaussianSamples(8, new Array(20).fill(0), blockDiagonal(new Array(10).fill(blocks1[0])), 3);
    const stats = await featureStatistics({ data: a, shape: [8, 20] });
    const self = await fid(stats, stats);
    // Rank 7 of 20: the null space is left out, so no square roots of round-off come back.
    let trace = 0;
    for (let i = 0; i < 20; i++) trace += stats.covariance[i * 20 + i] as number;
    expect(Math.abs(self)).toBeLessThan(1e-12 * trace);
  });

  it('accepts tensors, arrays of vectors and precomputed statistics alike', async () => {
    const a = samplesWithExactStatistics(50, mu1, blockDiagonal(blocks1), 4);
    const b = samplesWithExactStatistics(60, mu2, blockDiagonal(blocks2), 5);
    const fromArrays = await fid({ data: a, shape: [50, 6] }, { data: b, shape: [60, 6] });
    const before = tf.memory().numTensors;
    const ta = tf.tensor2d(Float32Array.from(a), [50, 6]);
    const rows = Array.from({ length: 60 }, (_, i) => b.subarray(i * 6, (i + 1) * 6));
    const mixed = await fid(ta, rows);
    ta.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(mixed).toBeCloseTo(fromArrays, 4); // float32 tensor vs float64 array
    const stats = await featureStatistics({ data: b, shape: [60, 6] });
    expect(await fid({ data: a, shape: [50, 6] }, stats)).toBeCloseTo(fromArrays, 10);
    expect(frechetDistance(await featureStatistics({ data: a, shape: [50, 6] }), stats)).toBeCloseTo(fromArrays, 10);
  });

  it('featureStatistics gives the mean and the unbiased covariance', async () => {
    const s = await featureStatistics([
      [1, 2],
      [3, 6],
      [5, 7],
    ]);
    expect(Array.from(s.mean)).toEqual([3, 5]);
    // numpy.cov([[1, 3, 5], [2, 6, 7]]) = [[4, 5], [5, 7]]
    expect(Array.from(s.covariance)).toEqual([4, 5, 5, 7]);
  });

  it('rejects mismatched dimensions, NaN, too few vectors and non-matrix shapes', async () => {
    await expect(fid([[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]])).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(fid([[1, NaN], [3, 4]], [[1, 2], [3, 4]])).rejects.toBeInstanceOf(NonFiniteValueError);
    await expect(fid([[1, 2]], [[1, 2], [3, 4]])).rejects.toBeInstanceOf(InvalidShapeError);
    await expect(fid({ data: new Float32Array(8), shape: [2, 2, 2] as never }, [[1], [2]])).rejects.toThrow(/Flatten or pool/);
  });
});
