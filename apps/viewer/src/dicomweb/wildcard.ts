import { DicomwebRequestError } from './dicomFolderStore.js';

/**
 * Longest QIDO-RS matching value accepted. With it, one match costs at most about
 * MAX_PATTERN_LENGTH x value length steps, so no query can hold the server (PS3.4 C.2.2.2.4
 * wildcards are meant for short keys; a regular expression built from `*?*?*?...` backtracks
 * exponentially, which is why none is built).
 */
export const MAX_PATTERN_LENGTH = 256;

/** Throws a 400 when a matching value is too long to be a sensible query. */
export function checkPattern(pattern: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new DicomwebRequestError(400, `a QIDO-RS matching value is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are accepted`);
  }
}

/**
 * DICOM wildcard matching (`*` any run, `?` one character), case-insensitive, with no regular
 * expression: the greedy two-pointer algorithm that, on a mismatch, moves only the last `*` one
 * character on. It never backtracks past an earlier `*`, so the cost is O(pattern x value) at worst
 * and usually linear.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  let pi = 0;
  let vi = 0;
  let star = -1;
  let resume = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
