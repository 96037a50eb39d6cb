import { describe, expect, it } from 'vitest';
import { summarize } from './summary';

describe('summarize', () => {
  it('gives the mean and the sample standard deviation, leaving out non-finite values', () => {
    const s = summarize([1, 2, 3, 4, Infinity]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(summarize([7])).toEqual({ mean: 7, std: 0, n: 1 });
    expect(summarize([]).mean).toBeNaN();
  });
});
