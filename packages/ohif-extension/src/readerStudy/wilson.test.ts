import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

// scipy 1.17.1: binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson').
const SCIPY: [number, number, number, number][] = [
  [7, 10, 0.39677814746114526, 0.892208732593699],
  [0, 4, 0.0, 0.4898908364545973],
  [4, 4, 0.5101091635454027, 1.0],
  [2, 4, 0.15003898915214953, 0.8499610108478505],
  [30, 50, 0.4618143774758936, 0.7239161026974346],
  [60, 100, 0.5020025867910618, 0.6905987135675411],
  [3, 20, 0.05236874589621662, 0.3604188647407569],
  [1, 1, 0.20654931437723745, 1.0],
  [0, 1, 0.0, 0.7934506856227626],
];

describe('wilsonInterval', () => {
  it.each(SCIPY)('%i of %i matches scipy', (k, n, low, high) => {
    const ci = wilsonInterval(k, n);
    expect(ci.low).toBeCloseTo(low, 12);
    expect(ci.high).toBeCloseTo(high, 12);
  });

  it('refuses impossible counts, naming them', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(/k must be an integer in \[0, 4\], got 5/);
    expect(() => wilsonInterval(0, 0)).toThrow(/n must be a positive integer, got 0/);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
  });
});
