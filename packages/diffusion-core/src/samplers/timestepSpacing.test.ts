import { describe, expect, it } from 'vitest';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { repaintSchedule } from './repaintSchedule';
import { spaceTimesteps } from './timestepSpacing';

const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });

describe('spaceTimesteps', () => {
  it('matches Lin et al. 2024, table 2 (T = 1000, 10 steps)', () => {
    expect(spaceTimesteps(schedule, 10, 'leading')).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    expect(spaceTimesteps(schedule, 10, 'trailing')).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(spaceTimesteps(schedule, 10, 'linspace')).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  });

  it('spaces logsnr steps evenly in lambda, distinct and descending', () => {
    for (const n of [5, 20, 100, 500]) {
      const ts = spaceTimesteps(schedule, n, 'logsnr');
      expect(ts).toHaveLength(n);
      expect(ts[0]).toBe(999);
      for (let i = 1; i < n; i++) expect(ts[i]!).toBeLessThan(ts[i - 1]!);
    }
    const lambda = (t: number) => 0.5 * Math.log(schedule.alphaBar(t) / (1 - schedule.alphaBar(t)));
    const ts = spaceTimesteps(schedule, 5, 'logsnr');
    const gaps = ts.slice(1).map((t, i) => lambda(t) - lambda(ts[i]!));
    for (const g of gaps.slice(0, 3)) expect(g / gaps[0]!).toBeCloseTo(1, 1);
  });

  it('refuses impossible step counts', () => {
    expect(() => spaceTimesteps(schedule, 0, 'leading')).toThrow(/\[1, 1000\]/);
    expect(() => spaceTimesteps(schedule, 1001, 'leading')).toThrow(/\[1, 1000\]/);
  });
});

describe('repaintSchedule', () => {
  it('is a plain descent without resampling', () => {
    const moves = repaintSchedule(4);
    expect(moves.map((m) => `${m.kind[0]}${m.from}${m.to}`)).toEqual(['d01', 'd12', 'd23', 'd34']);
  });

  it('jumps back jumpLength levels resampleCount - 1 times and ends clean', () => {
    const moves = repaintSchedule(6, { jumpLength: 2, resampleCount: 2 });
    const level = moves.reduce((l, m) => {
      expect(m.from).toBe(l);
      expect(Math.abs(m.to - m.from)).toBe(1);
      return m.to;
    }, 0);
    expect(level).toBe(6);
    expect(moves.filter((m) => m.kind === 'renoise')).toHaveLength(2 * 2);
  });
});
