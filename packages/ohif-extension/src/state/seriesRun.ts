/**
 * A run over the slices of a series, for every task: the slices go to the worker in calls of
 * `perCall` (Med-cDiff batches them through the network; CDM takes one position a call), progress
 * is counted in slices with an ETA from the measured time per slice (SeriesProgress), and the
 * outputs are stacked into one result of `depth` slices. Cancelling stops inside a call and between
 * calls and throws, so nothing is returned and nothing is written.
 */
import { TaskCancelledError } from '../errors.js';
import type { TaskProgress, TaskResult } from '../model/taskTypes.js';
import { SeriesProgress } from './seriesProgress.js';

/** One call: slices first .. first + count - 1 (0-based); its result holds `count` slices. */
export type SeriesCall = (first: number, count: number, onProgress: (p: TaskProgress) => void) => Promise<TaskResult>;

export interface SeriesRunOptions {
  slices: number;
  perCall: number;
  signal: AbortSignal;
  onProgress: (p: TaskProgress) => void;
  now?: () => number;
}

/** Runs `call` over the series in order and stacks the results; `elapsedMs` is the whole run's. */
export async function runSeries(call: SeriesCall, o: SeriesRunOptions): Promise<TaskResult> {
  if (!Number.isInteger(o.perCall) || o.perCall < 1) throw new RangeError(`runSeries: perCall must be a positive integer, got ${o.perCall}.`);
  const progress = new SeriesProgress(o.slices, o.now);
  const outputs: TaskResult[] = [];
  for (let first = 0; first < o.slices; first += o.perCall) {
    if (o.signal.aborted) throw new TaskCancelledError();
    const count = Math.min(o.perCall, o.slices - first);
    let steps = 1;
    const out = await call(first, count, (p) => {
      steps = p.total;
      o.onProgress(progress.at(first, count, p));
    });
    if (o.signal.aborted) throw new TaskCancelledError();
    const depth = out.depth ?? 1;
    if (depth !== count) throw new Error(`runSeries: a call for ${count} slices returned ${depth}`);
    outputs.push(out);
    // The call's last report may have come before its result was read back: say where the series is.
    o.onProgress(progress.at(first, count, { done: steps, total: steps, elapsedMs: out.elapsedMs, etaMs: 0 }));
  }
  return { ...stackResults(outputs), elapsedMs: progress.elapsedMs() };
}

/** Results of consecutive calls as one result: pixels (and spreads) one slice after another. */
export function stackResults(outputs: readonly TaskResult[]): TaskResult {
  const first = outputs[0];
  if (!first) throw new RangeError('stackResults: no results');
  const { rows, columns } = first;
  const depth = outputs.reduce((n, o) => n + (o.depth ?? 1), 0);
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(depth * rows * columns);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const std = outputs.every((o) => o.std) ? concat(outputs.map((o) => o.std!)) : undefined;
  return {
    pixels: concat(outputs.map((o) => o.pixels)),
    rows,
    columns,
    ...(std ? { std } : {}),
    samples: first.samples,
    tiles: first.tiles,
    depth,
    backend: first.backend,
    elapsedMs: outputs.reduce((t, o) => t + o.elapsedMs, 0),
  };
}

/** Slice k of a stacked result. */
export function sliceOf(pixels: Float32Array, rows: number, columns: number, k: number): Float32Array {
  return pixels.subarray(k * rows * columns, (k + 1) * rows * columns);
}
