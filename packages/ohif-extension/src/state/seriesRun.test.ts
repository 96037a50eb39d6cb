import { describe, expect, it } from 'vitest';
import { TaskCancelledError } from '../errors.js';
import type { TaskProgress, TaskResult } from '../model/taskTypes.js';
import { SeriesProgress } from './seriesProgress.js';
import { runSeries, stackResults } from './seriesRun.js';

/** A clock the test moves by hand. */
function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const result = (count: number, rows: number, columns: number, value: (k: number) => number, std = false): TaskResult => {
  const pixels = Float32Array.from({ length: count * rows * columns }, (_, i) => value(Math.floor(i / (rows * columns))));
  return { pixels, rows, columns, ...(std ? { std: pixels.map((v) => v / 10) } : {}), samples: std ? 2 : 1, tiles: 1, ...(count > 1 ? { depth: count } : {}), backend: 'wasm', elapsedMs: 5 };
};

describe('SeriesProgress', () => {
  it('after the first slice, estimates the rest from the measured time per slice, leaving out the warm-up', () => {
    const c = clock();
    const p = new SeriesProgress(8, c.now);
    // The first call runs slices 0-3 in 10 steps; its first step also compiles the kernels (3 s).
    c.advance(3000);
    const first = p.at(0, 4, { done: 1, total: 10, elapsedMs: 3000, etaMs: 27_000 });
    // Nothing measured yet: the worker's estimate for this call, and as much again per 4 slices to come.
    expect(first.etaMs).toBe(27_000 + 30_000);
    expect(first).toMatchObject({ done: 1, total: 20, slice: 1, slices: 8, slicesDone: 0, stage: 'slices 1-4 of 8' });
    // Then 200 ms a step: the remaining 9 steps of the call take 1.8 s, so 4 slices take 2 s.
    c.advance(1800);
    const after = p.at(0, 4, { done: 10, total: 10, elapsedMs: 4800, etaMs: 0 });
    expect(after.slicesDone).toBe(4);
    expect(after.etaMs).toBeCloseTo(2000, 6);
    expect(after.elapsedMs).toBe(4800);
    // The second call, halfway, at the same pace: 1 s to go.
    c.advance(1000);
    const half = p.at(4, 4, { done: 5, total: 10, elapsedMs: 1000, etaMs: 1000 });
    expect(half).toMatchObject({ done: 15, total: 20, slice: 5, slicesDone: 4 });
    expect(half.etaMs).toBeCloseTo(1000, 6);
  });

  it('names one slice a call as slice k/n, keeps the worker stage, and refuses an empty series', () => {
    const p = new SeriesProgress(3, clock().now);
    expect(p.at(1, 1, { done: 1, total: 3, elapsedMs: 1, etaMs: 2, stage: 'sample' }).stage).toBe('slice 2/3, sample');
    expect(() => new SeriesProgress(0)).toThrow(/positive integer, got 0/);
  });
});

describe('runSeries', () => {
  it('runs the series in calls of perCall slices, in order, and stacks their results', async () => {
    const calls: Array<[number, number]> = [];
    const reports: TaskProgress[] = [];
    const out = await runSeries(
      async (first, count, onProgress) => {
        calls.push([first, count]);
        onProgress({ done: 1, total: 2, elapsedMs: 1, etaMs: 1 });
        return result(count, 2, 3, (k) => first + k, true);
      },
      { slices: 5, perCall: 2, signal: new AbortController().signal, onProgress: (p) => reports.push(p) },
    );
    expect(calls).toEqual([[0, 2], [2, 2], [4, 1]]);
    expect(out).toMatchObject({ rows: 2, columns: 3, depth: 5, samples: 2 });
    expect(Array.from(out.pixels.filter((_, i) => i % 6 === 0))).toEqual([0, 1, 2, 3, 4]);
    expect(out.std![4 * 6]).toBeCloseTo(0.4, 6);
    expect(reports.map((r) => r.slicesDone)).toEqual([0, 2, 2, 4, 4, 5]);
    expect(reports[reports.length - 1]).toMatchObject({ slicesDone: 5, slices: 5 });
  });

  it('stops when cancelled between calls and returns nothing', async () => {
    const abort = new AbortController();
    let calls = 0;
    const run = runSeries(
      async (first, count) => {
        calls++;
        if (first === 2) abort.abort();
        return result(count, 1, 1, () => 0);
      },
      { slices: 6, perCall: 2, signal: abort.signal, onProgress: () => undefined },
    );
    await expect(run).rejects.toBeInstanceOf(TaskCancelledError);
    expect(calls).toBe(2);
  });

  it('refuses a call that returns another number of slices', async () => {
    await expect(runSeries(async () => result(1, 1, 1, () => 0), { slices: 4, perCall: 2, signal: new AbortController().signal, onProgress: () => undefined })).rejects.toThrow(/for 2 slices returned 1/);
    expect(() => stackResults([])).toThrow(/no results/);
  });
});
