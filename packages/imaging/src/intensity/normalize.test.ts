import { describe, expect, it } from 'vitest';
import { applyNormalization, computeNormalization, denormalize, normalize } from './normalize.js';
import { percentiles } from './percentile.js';
import { ctWindow, CT_WINDOWS, windowStats } from './ctWindows.js';
import { EmptyVolumeError, InvalidArgumentError, NonFiniteVoxelError } from '../errors.js';

describe('percentiles', () => {
  it('match NumPy linear interpolation', () => {
    // np.percentile([1, 2, 3, 4, 10], [0, 25, 50, 90, 100]) = [1, 2, 3, 7.6, 10]
    const p = percentiles([10, 1, 3, 2, 4], [0, 25, 50, 90, 100]);
    [1, 2, 3, 7.6, 10].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 5));
  });

  it('select exactly the order statistics a full sort gives, on ties, runs, constants and random data', () => {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cases: Float32Array[] = [
      Float32Array.from({ length: 5000 }, () => random() * 1000),
      Float32Array.from({ length: 4097 }, () => Math.floor(random() * 5)),
      Float32Array.from({ length: 3000 }, (_, i) => i),
      Float32Array.from({ length: 3000 }, (_, i) => 3000 - i),
      new Float32Array(100).fill(2),
      Float32Array.of(3),
      Float32Array.of(9, -1),
    ];
    const ps = [0, 0.5, 1, 25, 50, 73.3, 99, 99.5, 100];
    for (const data of cases) {
      const sorted = data.slice().sort();
      const n = sorted.length;
      const expected = ps.map((p) => {
        const pos = (p / 100) * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(n - 1, lo + 1);
        return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
      });
      expect(percentiles(data, ps)).toEqual(expected);
    }
    // Non-finite values and unselected ones are left out.
    expect(percentiles([Number.NaN, 5, Infinity, 1, 3], [0, 50, 100])).toEqual([1, 3, 5]);
    expect(percentiles([0, 5, 1, 3], [0, 100], (v) => v > 0)).toEqual([1, 5]);
  });
});

describe('per-volume normalisation to [-1, 1]', () => {
  const data = Float32Array.from({ length: 1000 }, (_, i) => i);
  it('maps the 0.5 and 99.5 percentiles to -1 and 1, clips, and inverts', () => {
    const { data: y, stats } = normalize(data);
    expect(stats.low).toBeCloseTo(4.995, 6);
    expect(stats.high).toBeCloseTo(994.005, 3);
    expect(Math.min(...y)).toBe(-1);
    expect(Math.max(...y)).toBe(1);
    const back = denormalize(y, stats);
    for (let i = 10; i < 990; i++) expect(back[i]).toBeCloseTo(data[i]!, 3);
    expect(back[0]).toBeCloseTo(stats.low, 3); // clipped values come back at the edge
  });
  it('is configurable and unclipped on request', () => {
    const { data: y, stats } = normalize(data, { lowPercentile: 0, highPercentile: 100, clip: false });
    expect([stats.low, stats.high]).toEqual([0, 999]);
    expect(y[0]).toBe(-1);
    expect(y[999]).toBe(1);
    expect(applyNormalization([1998], stats, false)[0]).toBeCloseTo(3, 5);
  });
  it("'foreground' ignores the background minimum", () => {
    const brain = Float32Array.from({ length: 1000 }, (_, i) => (i < 800 ? 0 : 100 + (i - 800)));
    expect(computeNormalization(brain).low).toBe(0);
    expect(computeNormalization(brain, { over: 'foreground' }).low).toBeGreaterThan(100);
  });
  it('typed errors: empty, constant, NaN, bad percentiles', () => {
    expect(() => normalize(new Float32Array(0))).toThrow(EmptyVolumeError);
    expect(() => normalize(new Float32Array(10).fill(3))).toThrow(EmptyVolumeError);
    expect(() => normalize(Float32Array.from([1, Number.NaN, 2]))).toThrow(NonFiniteVoxelError);
    expect(() => normalize(data, { lowPercentile: 60, highPercentile: 40 })).toThrow(InvalidArgumentError);
  });
});

describe('CT windows', () => {
  it('brain window maps 0 HU to -1 and 80 HU to +1', () => {
    const y = applyNormalization([0, 40, 80, 1000, -1000], windowStats(CT_WINDOWS.brain));
    expect(Array.from(y)).toEqual([-1, 0, 1, 1, -1]);
  });
  it('unknown preset names the choices', () => {
    expect(() => ctWindow('kidney')).toThrow(/brain, subdural/);
  });
});
