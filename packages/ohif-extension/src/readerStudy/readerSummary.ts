import { binomialTestTwoSided } from './binomialTest.js';
import type { Answer } from './studyTypes.js';
import { wilsonInterval, type ProportionInterval } from './wilson.js';

/** How often a reader (or all of them) took the real slice for the real one. */
export interface AccuracySummary {
  reader: string;
  trials: number;
  correct: number;
  accuracy: number;
  /** Wilson 95 % interval of the accuracy. */
  ci95: ProportionInterval;
  /** Exact two-sided binomial test against 50 % (the model's output indistinguishable from the real slice). */
  pValue: number;
  meanTimeMs: number;
}

export interface StudySummary {
  readers: AccuracySummary[];
  /** Every answer of every reader together; undefined with no answers. */
  pooled?: AccuracySummary;
}

/** The label of the pooled row. */
export const POOLED = 'all readers';

function accuracyOf(reader: string, answers: readonly Answer[]): AccuracySummary {
  const correct = answers.filter((a) => a.correct).length;
  const n = answers.length;
  return {
    reader,
    trials: n,
    correct,
    accuracy: correct / n,
    ci95: wilsonInterval(correct, n),
    pValue: binomialTestTwoSided(correct, n),
    meanTimeMs: answers.reduce((t, a) => t + a.timeMs, 0) / n,
  };
}

/** Per-reader accuracy (readers in alphabetical order) and the pooled accuracy over all readers' answers. */
export function summarizeAnswers(answers: readonly Answer[]): StudySummary {
  const byReader = new Map<string, Answer[]>();
  for (const a of answers) byReader.set(a.reader, [...(byReader.get(a.reader) ?? []), a]);
  const readers = [...byReader.keys()].sort().map((r) => accuracyOf(r, byReader.get(r)!));
  return answers.length ? { readers, pooled: accuracyOf(POOLED, answers) } : { readers };
}
