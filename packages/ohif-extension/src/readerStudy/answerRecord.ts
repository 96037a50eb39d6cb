import { ReaderStudyFormatError } from './studyErrors.js';
import { READER_TASKS, SIDES, type Answer } from './studyTypes.js';

/** The columns of the CSV export, one per field of an Answer, in this order. */
export const ANSWER_COLUMNS = ['study_id', 'reader', 'trial', 'study_instance_uid', 'series_instance_uid', 'slice', 'task', 'real_side', 'choice', 'correct', 'time_ms', 'answered_at'] as const;
export type AnswerColumn = (typeof ANSWER_COLUMNS)[number];

const FIELD_OF: Record<AnswerColumn, keyof Answer> = {
  study_id: 'studyId',
  reader: 'reader',
  trial: 'trial',
  study_instance_uid: 'studyInstanceUID',
  series_instance_uid: 'seriesInstanceUID',
  slice: 'slice',
  task: 'task',
  real_side: 'realSide',
  choice: 'choice',
  correct: 'correct',
  time_ms: 'timeMs',
  answered_at: 'answeredAt',
};

/** An answer as one CSV row's cells. */
export function answerCells(a: Answer): string[] {
  return ANSWER_COLUMNS.map((c) => String(a[FIELD_OF[c]]));
}

function text(v: unknown, name: string, line?: number): string {
  if (typeof v !== 'string' || v.trim() === '') throw new ReaderStudyFormatError(`${name} must be a non-empty string, got ${JSON.stringify(v)}`, line);
  return v;
}
function integer(v: unknown, name: string, line?: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ReaderStudyFormatError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`, line);
  return n;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string, line?: number): T {
  if (!allowed.includes(v as T)) throw new ReaderStudyFormatError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, line);
  return v as T;
}

/**
 * An answer checked field by field, from a JSON object (typed values) or a CSV row (strings,
 * keyed by column). Refuses a `correct` that contradicts the sides, so an edited file cannot
 * change the results unnoticed.
 */
export function parseAnswer(raw: Readonly<Record<string, unknown>>, line?: number): Answer {
  const get = (c: AnswerColumn) => (FIELD_OF[c] in raw ? raw[FIELD_OF[c]] : raw[c]);
  const realSide = oneOf(get('real_side'), SIDES, 'real_side', line);
  const choice = oneOf(get('choice'), SIDES, 'choice', line);
  const c = get('correct');
  const correct = c === true || c === 'true' ? true : c === false || c === 'false' ? false : undefined;
  if (correct === undefined) throw new ReaderStudyFormatError(`correct must be true or false, got ${JSON.stringify(c)}`, line);
  if (correct !== (choice === realSide)) throw new ReaderStudyFormatError(`correct is ${correct}, but the choice (${choice}) and the real side (${realSide}) say otherwise`, line);
  const t = get('time_ms');
  const timeMs = typeof t === 'string' && t.trim() !== '' ? Number(t) : t;
  if (typeof timeMs !== 'number' || !Number.isFinite(timeMs) || timeMs < 0) throw new ReaderStudyFormatError(`time_ms must be a non-negative number, got ${JSON.stringify(t)}`, line);
  const answeredAt = text(get('answered_at'), 'answered_at', line);
  if (Number.isNaN(Date.parse(answeredAt))) throw new ReaderStudyFormatError(`answered_at must be an ISO 8601 time, got ${JSON.stringify(answeredAt)}`, line);
  return {
    studyId: text(get('study_id'), 'study_id', line),
    reader: text(get('reader'), 'reader', line),
    trial: integer(get('trial'), 'trial', line),
    studyInstanceUID: text(get('study_instance_uid'), 'study_instance_uid', line),
    seriesInstanceUID: text(get('series_instance_uid'), 'series_instance_uid', line),
    slice: integer(get('slice'), 'slice', line),
    task: oneOf(get('task'), READER_TASKS, 'task', line),
    realSide,
    choice,
    correct,
    timeMs,
    answeredAt,
  };
}

/** The key an answer is stored and merged under: one answer per study, reader and trial. */
export function answerKey(a: Pick<Answer, 'studyId' | 'reader' | 'trial'>): string {
  return `${a.studyId}\u0000${a.reader}\u0000${a.trial}`;
}

/** Refuses two answers of one reader to one trial of a study. */
export function checkUnique(answers: readonly Answer[], lineOf: (i: number) => number | undefined = () => undefined): void {
  const seen = new Set<string>();
  answers.forEach((a, i) => {
    const k = answerKey(a);
    if (seen.has(k)) throw new ReaderStudyFormatError(`reader "${a.reader}" answers trial ${a.trial} of study ${a.studyId} twice`, lineOf(i));
    seen.add(k);
  });
}
