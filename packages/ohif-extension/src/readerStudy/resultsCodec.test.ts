import { describe, expect, it } from 'vitest';
import { answersFromCsv, answersToCsv } from './answersCsv.js';
import { ReaderStudyFormatError } from './studyErrors.js';
import { studyFromJson, studyToJson } from './studyJson.js';
import type { Answer, StudyConfig } from './studyTypes.js';

const A: Answer[] = [
  { studyId: 'study-1', reader: 'alice', trial: 0, studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', slice: 2, task: 'denoise', realSide: 'left', choice: 'left', correct: true, timeMs: 1532.5, answeredAt: '2026-12-07T15:00:00.000Z' },
  // A reader id with a comma, a quote and a line break survives the CSV.
  { studyId: 'study-1', reader: 'Dr "B", MD\nward 3', trial: 0, studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', slice: 2, task: 'denoise', realSide: 'left', choice: 'right', correct: false, timeMs: 800, answeredAt: '2026-12-07T15:01:00.000Z' },
  { studyId: 'study-1', reader: 'alice', trial: 1, studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.5', slice: 0, task: 'super-resolve-2', realSide: 'right', choice: 'right', correct: true, timeMs: 0, answeredAt: '2026-12-07T15:02:00.000Z' },
];
const STUDY: StudyConfig = { studyId: 'study-1', createdAt: '2026-12-07T14:00:00.000Z', task: 'denoise', modelUrl: '/models/denoise/', modelLabel: 'Denoising', sampler: 'dpm-solver', steps: 2, trials: 4, seed: 7, series: [{ studyInstanceUID: '1.2.3', seriesInstanceUID: '1.2.3.4', slices: 5 }] };

const HEADER = 'study_id,reader,trial,study_instance_uid,series_instance_uid,slice,task,real_side,choice,correct,time_ms,answered_at';
const ROW = 'study-1,alice,0,1.2.3,1.2.3.4,2,denoise,left,left,true,1532.5,2026-12-07T15:00:00.000Z';

function formatError(f: () => unknown): ReaderStudyFormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ReaderStudyFormatError);
    return e as ReaderStudyFormatError;
  }
  throw new Error('expected a ReaderStudyFormatError');
}

describe('answers as CSV', () => {
  it('round-trips, one row per answer under the header', () => {
    const csv = answersToCsv(A);
    expect(csv.split('\r\n')[0]).toBe(HEADER);
    expect(csv.split('\r\n')[1]).toBe(ROW);
    expect(answersFromCsv(csv)).toEqual(A);
    expect(answersFromCsv(answersToCsv([]))).toEqual([]);
  });

  it('reads LF line ends, a byte-order mark and columns in another order', () => {
    const cols = HEADER.split(',');
    const cells = ROW.split(',');
    const order = [...cols.keys()].reverse();
    const text = `\uFEFF${order.map((k) => cols[k]).join(',')}\n${order.map((k) => cells[k]).join(',')}\n`;
    expect(answersFromCsv(text)).toEqual([A[0]]);
  });

  it('refuses malformed files, naming the line and the fault', () => {
    expect(formatError(() => answersFromCsv('')).message).toMatch(/empty/);
    expect(formatError(() => answersFromCsv('reader,trial\r\n')).message).toMatch(/line 1: the header lacks study_id/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW},extra\r\n`)).message).toMatch(/line 2: 13 cells, the header has 12/);
    const e = formatError(() => answersFromCsv(`${HEADER}\r\n${ROW}\r\n${ROW.replace('left,left,true', 'left,up,true')}\r\n`));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/choice must be one of left, right, got "up"/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW.replace('left,left,true', 'left,right,true')}\r\n`)).message).toMatch(/correct is true, but the choice \(right\)/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW.replace(',2,denoise', ',-1,denoise')}\r\n`)).message).toMatch(/slice must be a non-negative integer/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW.replace('denoise', 'inpaint')}\r\n`)).message).toMatch(/task must be one of super-resolve-2, super-resolve-4, denoise/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW.replace('1532.5', 'soon')}\r\n`)).message).toMatch(/time_ms/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW.replace('2026-12-07T15:00:00.000Z', 'yesterday')}\r\n`)).message).toMatch(/answered_at must be an ISO 8601 time/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n${ROW}\r\n${ROW}\r\n`)).message).toMatch(/line 3: reader "alice" answers trial 0 of study study-1 twice/);
    expect(formatError(() => answersFromCsv(`${HEADER}\r\n"study-1,alice\r\n`)).message).toMatch(/never closed/);
  });
});

describe('study as JSON', () => {
  it('round-trips the configuration and the answers', () => {
    expect(studyFromJson(studyToJson({ studies: [STUDY], answers: A }))).toEqual({ studies: [STUDY], answers: A });
  });

  it('refuses other files with a typed error that says what is wrong', () => {
    expect(formatError(() => studyFromJson('{')).message).toMatch(/not JSON/);
    expect(formatError(() => studyFromJson('{"format":"other"}')).message).toMatch(/not a reader-study export/);
    expect(formatError(() => studyFromJson('{"format":"meddiff-reader-study","version":2,"studies":[],"answers":[]}')).message).toMatch(/version 2 is not supported/);
    const bad = JSON.parse(studyToJson({ studies: [STUDY], answers: A }));
    bad.answers[1].correct = true;
    expect(formatError(() => studyFromJson(JSON.stringify(bad))).message).toMatch(/answers\[1\]: correct is true/);
    const badStudy = JSON.parse(studyToJson({ studies: [{ ...STUDY, task: 'inpaint' as never }], answers: [] }));
    expect(formatError(() => studyFromJson(JSON.stringify(badStudy))).message).toMatch(/studies\[0\]: task must be one of/);
    const twice = JSON.parse(studyToJson({ studies: [], answers: [A[0]!, A[0]!] }));
    expect(formatError(() => studyFromJson(JSON.stringify(twice))).message).toMatch(/twice/);
  });
});
