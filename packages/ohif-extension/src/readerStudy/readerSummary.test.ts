import { describe, expect, it } from 'vitest';
import { POOLED, summarizeAnswers } from './readerSummary.js';
import type { Answer } from './studyTypes.js';

function answer(reader: string, trial: number, correct: boolean, timeMs = 1000): Answer {
  return { studyId: 's', reader, trial, studyInstanceUID: '1', seriesInstanceUID: '1.1', slice: trial, task: 'denoise', realSide: 'left', choice: correct ? 'left' : 'right', correct, timeMs, answeredAt: '2026-12-07T00:00:00.000Z' };
}

describe('summarizeAnswers', () => {
  it('gives each reader and the pool their accuracy, Wilson interval and binomial p (scipy values)', () => {
    // bob: 3 of 4; alice: 4 of 6; pooled 7 of 10.
    const answers = [
      ...[true, true, true, false].map((c, i) => answer('bob', i, c, 500 * (i + 1))),
      ...[true, false, true, true, false, true].map((c, i) => answer('alice', i, c)),
    ];
    const s = summarizeAnswers(answers);
    expect(s.readers.map((r) => [r.reader, r.correct, r.trials])).toEqual([['alice', 4, 6], ['bob', 3, 4]]);
    expect(s.readers[1]!.accuracy).toBe(0.75);
    expect(s.readers[1]!.meanTimeMs).toBe(1250);
    // scipy: binomtest(3, 4) p = 0.625; wilson (0.3006418, 0.9544127).
    expect(s.readers[1]!.pValue).toBeCloseTo(0.625, 12);
    expect(s.readers[1]!.ci95.low).toBeCloseTo(0.30064184, 7);
    expect(s.readers[1]!.ci95.high).toBeCloseTo(0.95441271, 7);
    expect(s.pooled!.reader).toBe(POOLED);
    expect([s.pooled!.correct, s.pooled!.trials]).toEqual([7, 10]);
    expect(s.pooled!.pValue).toBeCloseTo(0.34375, 12);
    expect(s.pooled!.ci95.low).toBeCloseTo(0.39677814746114526, 12);
  });

  it('has no pooled row without answers', () => {
    expect(summarizeAnswers([])).toEqual({ readers: [] });
  });
});
