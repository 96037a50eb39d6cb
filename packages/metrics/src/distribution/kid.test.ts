import { describe, expect, it } from 'vitest';
import { InvalidOptionError, InvalidShapeError, ShapeMismatchError } from '../errors';
import { gaussianSamples } from '../testing/gaussianSamples';
import { kid, unbiasedMmd2 } from './kid';

type Vec = number[];
type Mat = number[][];

const dot = (a: Vec, b: Vec) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
const matVec = (m: Mat, v: Vec) => m.map((row) => dot(row, v));
const matMul = (a: Mat, b: Mat) => a.map((row) => (b[0] as Vec).map((_, j) => dot(row, b.map((r) => r[j] as number))));
const trace = (m: Mat) => m.reduce((s, row, i) => s + (row[i] as number), 0);

/**
 * E[(x . y / d + 1)^3] for independent x ~ N(m1, S1), y ~ N(m2, S2), from the
 * Gaussian moments of u = x . y: with a = m1.m2, s2 = m1' S2 m1, t = tr(S1 S2),
 * q = m2' S1 m2, E[u] = a, E[u^2] = a^2 + s2 + t + q,
 * E[u^3] = a^3 + 3 a s2 + 3 (a (q + t) + 2 m1' S2 S1 m2).
 */
function expectedCubicKernel(m1: Vec, s1: Mat, m2: Vec, s2: Mat): number {
  const d = m1.length;
  const a = dot(m1, m2);
  const sm = dot(m1, matVec(s2, m1));
  const t = trace(matMul(s1, s2));
  const q = dot(m2, matVec(s1, m2));
  const cross = dot(m1, matVec(matMul(s2, s1), m2));
  const e1 = a;
  const e2 = a * a + sm + t + q;
  const e3 = a ** 3 + 3 * a * sm + 3 * (a * (q + t) + 2 * cross);
  return 1 + (3 * e1) / d + (3 * e2) / d ** 2 + e3 / d ** 3;
}

/** Population MMD^2 with the cubic kernel between N(m1, S1) and N(m2, S2): the value KID estimates without bias. */
function closedFormMmd2(m1: Vec, s1: Mat, m2: Vec, s2: Mat): number {
  return expectedCubicKernel(m1, s1, m1, s1) + expectedCubicKernel(m2, s2, m2, s2) - 2 * expectedCubicKernel(m1, s1, m2, s2);
}

const d = 4;
const m1 = [0.5, -0.5, 1, 0];
const s1 = [
  [1, 0.3, 0, 0],
  [0.3, 1, 0.2, 0],
  [0, 0.2, 0.5, 0],
  [0, 0, 0, 2],
];
const m2 = [1, 0, 0.5, -0.5];
const s2 = [
  [0.5, 0, 0, 0.1],
  [0, 2, -0.4, 0],
  [0, -0.4, 1, 0],
  [0.1, 0, 0, 1],
];

describe('KID', () => {
  it('unbiasedMmd2 equals the U-statistic written out term by term', () => {
    const x = gaussianSamples(7, m1, s1, 1);
    const y = gaussianSamples(7, m2, s2, 2);
    const k = (a: Float64Array, i: number, b: Float64Array, j: number) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (a[i * d + c] as number) * (b[j * d + c] as number);
      return (s / d + 1) ** 3;
    };
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        if (i !== j) {
          xx += k(x, i, x, j);
          yy += k(y, i, y, j);
        }
        xy += k(x, i, y, j);
      }
    }
    const want = xx / 42 + yy / 42 - (2 * xy) / 49;
    expect(unbiasedMmd2(x, y, 7, d)).toBeCloseTo(want, 12);
  });

  it('matches the closed-form MMD^2 of two Gaussians within its sampling error', async () => {
    const n = 6000;
    const a = gaussianSamples(n, m1, s1, 3);
    const b = gaussianSamples(n, m2, s2, 4);
    const want = closedFormMmd2(m1, s1, m2, s2);
    const result = await kid({ data: a, shape: [n, d] }, { data: b, shape: [n, d] }, { subsets: 30, subsetSize: 1000 });
    // Subsets overlap, so their mean is no better than the full-sample U-statistic, whose
    // standard error is about std(subset) * sqrt(subsetSize / n).
    const standardError = result.std * Math.sqrt(1000 / n);
    console.log(
      `KID Gaussian case: closed form ${want}, estimate ${result.mean} ± ${result.std} (subset std), |diff| ${Math.abs(result.mean - want).toExponential(2)}`,
    );
    expect(want).toBeGreaterThan(10 * standardError);
    expect(Math.abs(result.mean - want)).toBeLessThan(4 * standardError);
  });

  it('is near 0 (and may be negative) for two samples of one distribution', async () => {
    const n = 4000;
    const a = gaussianSamples(n, m1, s1, 5);
    const b = gaussianSamples(n, m1, s1, 6);
    const result = await kid({ data: a, shape: [n, d] }, { data: b, shape: [n, d] }, { subsets: 20, subsetSize: 1000 });
    expect(Math.abs(result.mean)).toBeLessThan(4 * result.std * Math.sqrt(1000 / n));
    expect(result.subsetValues.some((v) => v < 0)).toBe(true);
  });

  it('is reproducible from its seed and changes with it', async () => {
    const a = { data: gaussianSamples(300, m1, s1, 7), shape: [300, d] as [number, number] };
    const b = { data: gaussianSamples(200, m2, s2, 8), shape: [200, d] as [number, number] };
    const r1 = await kid(a, b, { subsets: 5, subsetSize: 100, seed: 1 });
    const r2 = await kid(a, b, { subsets: 5, subsetSize: 100, seed: 1 });
    const r3 = await kid(a, b, { subsets: 5, subsetSize: 100, seed: 2 });
    expect(r2.subsetValues).toEqual(r1.subsetValues);
    expect(r3.subsetValues).not.toEqual(r1.subsetValues);
    expect(r1.subsetValues).toHaveLength(5);
  });

  it('rejects bad options and inputs', async () => {
    const a = [
      [1, 2],
      [3, 4],
    ];
    await expect(kid(a, a, { subsets: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(kid(a, a, { subsetSize: 1 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(kid(a, [[1, 2, 3], [4, 5, 6]])).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(kid([[1, 2]], a)).rejects.toBeInstanceOf(InvalidShapeError);
  });
});

describe('KID on whole sets', () => {
  it('computes the full-set U-statistic once when the subsets are the whole sets', async () => {
    const a = gaussianSamples(30, m1, s1, 11);
    const b = gaussianSamples(30, m2, s2, 12);
    const result = await kid({ data: a, shape: [30, d] }, { data: b, shape: [30, d] }, { subsets: 4, subsetSize: 100 });
    expect(result.subsetValues).toEqual(new Array(4).fill(unbiasedMmd2(a, b, 30, d)));
    expect(result.std).toBe(0);
  });
});
