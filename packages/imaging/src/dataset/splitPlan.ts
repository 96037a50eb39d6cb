import { InvalidArgumentError } from '../errors.js';
import type { DatasetSplitName } from './manifest.js';

/**
 * A deliberate three-way split by subject: the subjects named for validation and test, everyone else
 * trains. Written out by hand rather than drawn at random because a corpus of a few dozen subjects
 * needs each split to hold both MR and CT, and the test split to hold what training never saw.
 */
export interface SplitPlan {
  readonly val: readonly string[];
  readonly test: readonly string[];
}

/** A subject as the split sees it: who, and what modality its scans are. */
export interface SplitSubject {
  readonly subject: string;
  readonly modality: string;
}

/**
 * Assigns every subject to one split following `plan`. Refuses a plan that puts a subject in both val
 * and test, or names a subject that is not among `subjects` (a typo would otherwise silently move that
 * subject into training). A subject's scans all go to its one split, whatever their number.
 */
export function assignSplits(subjects: readonly SplitSubject[], plan: SplitPlan): Map<string, DatasetSplitName> {
  const known = new Set(subjects.map((s) => s.subject));
  const both = plan.val.filter((s) => plan.test.includes(s));
  if (both.length) throw new InvalidArgumentError('assignSplits', `subject(s) ${both.join(', ')} are in both val and test; give each subject one split`);
  const unknown = [...plan.val, ...plan.test].filter((s) => !known.has(s));
  if (unknown.length) throw new InvalidArgumentError('assignSplits', `the split names subject(s) ${unknown.join(', ')} that no source has; known subjects: ${[...known].sort().join(', ')}`);
  const out = new Map<string, DatasetSplitName>();
  for (const s of [...known].sort()) out.set(s, plan.test.includes(s) ? 'test' : plan.val.includes(s) ? 'val' : 'train');
  return out;
}

/** Per split, its subjects and the modalities they bring (to check a plan covers MR and CT everywhere). */
export function splitCoverage(subjects: readonly SplitSubject[], splits: ReadonlyMap<string, DatasetSplitName>): Record<DatasetSplitName, { subjects: string[]; modalities: string[] }> {
  const out: Record<DatasetSplitName, { subjects: string[]; modalities: string[] }> = { train: { subjects: [], modalities: [] }, val: { subjects: [], modalities: [] }, test: { subjects: [], modalities: [] } };
  for (const s of subjects) {
    const split = splits.get(s.subject);
    if (split === undefined) throw new InvalidArgumentError('splitCoverage', `subject ${s.subject} has no split`);
    const entry = out[split];
    if (!entry.subjects.includes(s.subject)) entry.subjects.push(s.subject);
    if (!entry.modalities.includes(s.modality)) entry.modalities.push(s.modality);
  }
  for (const e of Object.values(out)) {
    e.subjects.sort();
    e.modalities.sort();
  }
  return out;
}
