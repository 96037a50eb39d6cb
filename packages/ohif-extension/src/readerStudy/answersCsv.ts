import { ANSWER_COLUMNS, answerCells, checkUnique, parseAnswer } from './answerRecord.js';
import { ReaderStudyFormatError } from './studyErrors.js';
import type { Answer } from './studyTypes.js';

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Answers as CSV (RFC 4180, CRLF line ends, a header row of ANSWER_COLUMNS): one row per answer. */
export function answersToCsv(answers: readonly Answer[]): string {
  return [ANSWER_COLUMNS.join(','), ...answers.map((a) => answerCells(a).map(quote).join(','))].map((l) => `${l}\r\n`).join('');
}

/** RFC 4180 records with the 1-based line each starts on; quoted cells may hold commas, quotes and line breaks. */
function records(text: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === '"') throw new ReaderStudyFormatError('a quote inside an unquoted cell', line);
    else if (ch === ',') cells.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      out.push({ cells, line: start });
      cells = [];
      cell = '';
      start = ++line;
    } else cell += ch;
  }
  if (quoted) throw new ReaderStudyFormatError('a quoted cell is never closed', start);
  if (cell !== '' || cells.length) out.push({ cells: [...cells, cell], line: start });
  return out.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
}

/** Answers from a CSV that answersToCsv wrote (columns in any order); a malformed file throws ReaderStudyFormatError naming the line. */
export function answersFromCsv(text: string): Answer[] {
  const [header, ...rows] = records(text.replace(/^\uFEFF/, ''));
  if (!header) throw new ReaderStudyFormatError('the file is empty; expected a header row and one row per answer');
  const missing = ANSWER_COLUMNS.filter((c) => !header.cells.includes(c));
  if (missing.length) throw new ReaderStudyFormatError(`the header lacks ${missing.join(', ')} (expected ${ANSWER_COLUMNS.join(',')})`, header.line);
  const answers = rows.map(({ cells, line }) => {
    if (cells.length !== header.cells.length) throw new ReaderStudyFormatError(`${cells.length} cells, the header has ${header.cells.length}`, line);
    return parseAnswer(Object.fromEntries(header.cells.map((c, k) => [c, cells[k]!])), line);
  });
  checkUnique(answers, (i) => rows[i]!.line);
  return answers;
}
