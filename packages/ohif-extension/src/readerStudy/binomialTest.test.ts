import { describe, expect, it } from 'vitest';
import { binomialTestTwoSided } from './binomialTest.js';

// scipy 1.17.1: binomtest(k, n, 0.5).pvalue.
const SCIPY: [number, number, number][] = [
  [7, 10, 0.34375],
  [0, 4, 0.125],
  [4, 4, 0.125],
  [2, 4, 1.0],
  [30, 50, 0.20263875106454066],
  [60, 100, 0.05688793364098089],
  [3, 20, 0.0025768280029296875],
  [13, 20, 0.26317596435546875],
  [1, 1, 1.0],
];

describe('binomialTestTwoSided', () => {
  it.each(SCIPY)('%i of %i against 50 %% matches scipy', (k, n, p) => {
    expect(binomialTestTwoSided(k, n)).toBeCloseTo(p, 12);
  });

  it('handles an asymmetric null (scipy: binomtest(3, 10, 0.2) = 0.429574656)', () => {
    expect(binomialTestTwoSided(3, 10, 0.2)).toBeCloseTo(0.42957465600000017, 10);
  });

  it('stays finite for long studies (1000 trials, 530 correct: scipy 0.0620232)', () => {
    expect(binomialTestTwoSided(530, 1000)).toBeCloseTo(0.06202319509836343, 10);
  });

  it('refuses impossible counts', () => {
    expect(() => binomialTestTwoSided(-1, 4)).toThrow(/k must be an integer in \[0, 4\], got -1/);
    expect(() => binomialTestTwoSided(1, 0)).toThrow(/n must be a positive integer/);
    expect(() => binomialTestTwoSided(1, 4, 1)).toThrow(/p0 must be in \(0, 1\)/);
  });
});
