import { checkUnique, parseAnswer } from './answerRecord.js';
import { ReaderStudyFormatError } from './studyErrors.js';
import { READER_TASKS, type Answer, type StudyConfig } from './studyTypes.js';

export const STUDY_FORMAT = 'meddiff-reader-study';
export const STUDY_FORMAT_VERSION = 1;

/** A study's export: its configuration (when known) and its answers. No pixels: the slices stay where they were read. */
export interface StudyExport {
  studies: StudyConfig[];
  answers: Answer[];
}

export function studyToJson(data: StudyExport): string {
  return JSON.stringify({ format: STUDY_FORMAT, version: STUDY_FORMAT_VERSION, studies: data.studies, answers: data.answers }, null, 2);
}

function parseStudy(raw: unknown, i: number): StudyConfig {
  const s = raw as Partial<StudyConfig> | null;
  const bad = (what: string) => new ReaderStudyFormatError(`studies[${i}]: ${what}`);
  if (!s || typeof s !== 'object') throw bad('must be an object');
  for (const k of ['studyId', 'createdAt', 'modelUrl', 'modelLabel', 'sampler'] as const) if (typeof s[k] !== 'string' || !s[k]) throw bad(`${k} must be a non-empty string`);
  if (!READER_TASKS.includes(s.task as never)) throw bad(`task must be one of ${READER_TASKS.join(', ')}, got ${JSON.stringify(s.task)}`);
  for (const k of ['steps', 'trials', 'seed'] as const) if (!Number.isInteger(s[k]) || (s[k] as number) < 0) throw bad(`${k} must be a non-negative integer`);
  if (!Array.isArray(s.series) || !s.series.every((x) => x && typeof x.seriesInstanceUID === 'string' && typeof x.studyInstanceUID === 'string' && Number.isInteger(x.slices))) throw bad('series must list { studyInstanceUID, seriesInstanceUID, slices }');
  return s as StudyConfig;
}

/** Reads what studyToJson wrote; anything else throws ReaderStudyFormatError saying what is wrong. */
export function studyFromJson(text: string): StudyExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReaderStudyFormatError(`not JSON: ${(e as Error).message}`);
  }
  const o = raw as { format?: unknown; version?: unknown; studies?: unknown; answers?: unknown } | null;
  if (!o || typeof o !== 'object' || o.format !== STUDY_FORMAT) throw new ReaderStudyFormatError(`not a reader-study export (format must be "${STUDY_FORMAT}")`);
  if (o.version !== STUDY_FORMAT_VERSION) throw new ReaderStudyFormatError(`version ${JSON.stringify(o.version)} is not supported (expected ${STUDY_FORMAT_VERSION})`);
  if (!Array.isArray(o.studies) || !Array.isArray(o.answers)) throw new ReaderStudyFormatError('studies and answers must be arrays');
  const answers = o.answers.map((a, i) => {
    if (!a || typeof a !== 'object') throw new ReaderStudyFormatError(`answers[${i}] must be an object`);
    try {
      return parseAnswer(a as Record<string, unknown>);
    } catch (e) {
      throw new ReaderStudyFormatError(`answers[${i}]: ${(e as Error).message}`);
    }
  });
  checkUnique(answers);
  return { studies: o.studies.map(parseStudy), answers };
}
