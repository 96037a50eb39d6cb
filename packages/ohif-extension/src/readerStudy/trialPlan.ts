import { seededRandom } from '@meddiff/med-cdiff';
import { ReaderStudyConfigError } from './studyErrors.js';
import type { PlannedTrial, Side, StudySeries } from './studyTypes.js';

/**
 * The trials of a study, from its seed alone: `trials` distinct slices drawn without replacement
 * from every slice of the picked series, and the side the real slice is shown on, balanced (as many
 * left as right, one extra at random when odd) and shuffled. Same series, count and seed: same
 * plan, on any machine, so a study can be prepared again or checked afterwards.
 */
export function planTrials(series: readonly StudySeries[], trials: number, seed: number): PlannedTrial[] {
  if (!Number.isInteger(trials) || trials < 1) throw new ReaderStudyConfigError(`The number of trials must be a positive integer, got ${trials}.`);
  if (!Number.isInteger(seed) || seed < 0) throw new ReaderStudyConfigError(`The seed must be a non-negative integer, got ${seed}.`);
  const pool = series.flatMap((s) => Array.from({ length: s.slices }, (_, slice) => ({ s, slice })));
  if (pool.length < trials) throw new ReaderStudyConfigError(`${trials} trials need as many slices; the series picked have ${pool.length}. Pick more series or fewer trials.`);
  const random = seededRandom(seed);
  shuffle(pool, random.integer);
  const sides: Side[] = Array.from({ length: trials }, (_, i) => (i < Math.floor(trials / 2) ? 'left' : 'right'));
  if (trials % 2 === 1) sides[trials - 1] = random.uniform() < 0.5 ? 'left' : 'right';
  shuffle(sides, random.integer);
  return pool.slice(0, trials).map(({ s, slice }, index) => ({
    index,
    studyInstanceUID: s.studyInstanceUID,
    seriesInstanceUID: s.seriesInstanceUID,
    slice,
    realSide: sides[index]!,
    seed: random.integer(0, 2 ** 31),
  }));
}

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[], integer: (low: number, highExclusive: number) => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = integer(0, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
