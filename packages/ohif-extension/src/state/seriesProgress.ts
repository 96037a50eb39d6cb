/**
 * Progress of a whole-series run counted in slices, with an ETA from the measured time per slice.
 * The worker reports network steps within one call of `count` slices; this turns them into the
 * series' progress. The first report of a run comes after the first network call, which also pays
 * for compiling the model's kernels (seconds on WebGPU): time is measured from that report on, so
 * the warm-up is not charged to every slice still to run.
 */
import type { TaskProgress } from '../model/taskTypes.js';

export class SeriesProgress {
  private readonly started: number;
  /** When the first report came, and how far (in slices) the run was then. */
  private warm: { t: number; slices: number } | undefined;

  constructor(
    readonly slices: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(slices) || slices < 1) throw new RangeError(`SeriesProgress: slices must be a positive integer, got ${slices}.`);
    this.started = now();
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return this.now() - this.started;
  }

  /**
   * The series' progress for a report `p` of the call running slices first .. first + count - 1
   * (0-based). `done` and `total` stay network steps (the call's steps per slice times the slices).
   */
  at(first: number, count: number, p: Pick<TaskProgress, 'done' | 'total' | 'etaMs' | 'elapsedMs' | 'stage'>): TaskProgress {
    const t = this.now();
    const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    const position = first + count * fraction;
    this.warm ??= { t, slices: position };
    const measured = position - this.warm.slices;
    const remaining = this.slices - position;
    let etaMs: number;
    if (measured > 1e-9) {
      etaMs = ((t - this.warm.t) / measured) * remaining;
    } else {
      // Nothing measured after the warm-up yet: the worker's estimate for this call, per slice.
      const perSlice = (p.elapsedMs + p.etaMs) / count;
      etaMs = p.etaMs + perSlice * (this.slices - first - count);
    }
    const stepsPerSlice = p.total / count;
    const range = count > 1 ? `slices ${first + 1}-${first + count} of ${this.slices}` : `slice ${first + 1}/${this.slices}`;
    return {
      done: Math.round(first * stepsPerSlice + p.done),
      total: Math.round(this.slices * stepsPerSlice),
      slice: first + 1,
      slices: this.slices,
      // The slices of a call are batched together: they are finished when the call is.
      slicesDone: fraction >= 1 ? first + count : first,
      stage: p.stage ? `${range}, ${p.stage}` : range,
      elapsedMs: t - this.started,
      etaMs: Math.max(0, etaMs),
    };
  }
}
