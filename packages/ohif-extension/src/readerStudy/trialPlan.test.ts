import { describe, expect, it } from 'vitest';
import { ReaderStudyConfigError } from './studyErrors.js';
import { planTrials } from './trialPlan.js';
import type { StudySeries } from './studyTypes.js';

const SERIES: StudySeries[] = [
  { studyInstanceUID: '1.2', seriesInstanceUID: '1.2.1', slices: 5 },
  { studyInstanceUID: '1.3', seriesInstanceUID: '1.3.1', slices: 8 },
];

describe('planTrials', () => {
  it('is deterministic for a seed, and another seed gives another plan', () => {
    expect(planTrials(SERIES, 6, 7)).toEqual(planTrials(SERIES, 6, 7));
    expect(planTrials(SERIES, 6, 8)).not.toEqual(planTrials(SERIES, 6, 7));
  });

  it('draws distinct slices that exist, indexed in order', () => {
    const plan = planTrials(SERIES, 13, 3);
    expect(plan.map((t) => t.index)).toEqual([...Array(13).keys()]);
    const keys = plan.map((t) => `${t.seriesInstanceUID}/${t.slice}`);
    expect(new Set(keys).size).toBe(13);
    for (const t of plan) {
      const s = SERIES.find((x) => x.seriesInstanceUID === t.seriesInstanceUID)!;
      expect(t.studyInstanceUID).toBe(s.studyInstanceUID);
      expect(t.slice).toBeGreaterThanOrEqual(0);
      expect(t.slice).toBeLessThan(s.slices);
    }
  });

  it('balances the real side, and its order changes with the seed', () => {
    for (const seed of [0, 1, 2, 3]) {
      const sides = planTrials(SERIES, 8, seed).map((t) => t.realSide);
      expect(sides.filter((x) => x === 'left')).toHaveLength(4);
    }
    const orders = new Set([0, 1, 2, 3, 4, 5].map((seed) => planTrials(SERIES, 8, seed).map((t) => t.realSide).join()));
    expect(orders.size).toBeGreaterThan(1);
    const odd = planTrials(SERIES, 5, 1).map((t) => t.realSide);
    expect(Math.abs(odd.filter((x) => x === 'left').length - 2.5)).toBe(0.5);
  });

  it('gives each trial its own seed', () => {
    const seeds = planTrials(SERIES, 10, 11).map((t) => t.seed);
    expect(new Set(seeds).size).toBe(10);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0).toBe(true);
  });

  it('refuses more trials than slices, and bad counts or seeds, with a typed error', () => {
    expect(() => planTrials(SERIES, 14, 0)).toThrow(ReaderStudyConfigError);
    expect(() => planTrials(SERIES, 14, 0)).toThrow(/14 trials need as many slices; the series picked have 13/);
    expect(() => planTrials(SERIES, 0, 0)).toThrow(/positive integer, got 0/);
    expect(() => planTrials(SERIES, 2, -1)).toThrow(/non-negative integer, got -1/);
  });
});
