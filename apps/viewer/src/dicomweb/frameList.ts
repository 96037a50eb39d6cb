import { DicomwebRequestError } from './dicomFolderStore.js';

/**
 * The frame numbers of a WADO-RS frames request ("1,3,5"), checked: positive integers no larger than
 * the instance's frame count, each at most once. Without the last two rules a few kilobytes of
 * "1,1,1,..." would make the server send the same frame thousands of times (157 MB from a 4 KB URL);
 * with them an answer is never larger than the instance.
 */
export function parseFrameList(text: string, numberOfFrames: number): number[] {
  const pieces = text.split(',');
  if (pieces.length > numberOfFrames) {
    throw new DicomwebRequestError(400, `${pieces.length} frames asked for, but the instance has ${numberOfFrames}; list each frame once`);
  }
  const seen = new Set<number>();
  for (const piece of pieces) {
    const t = piece.trim();
    if (!/^[1-9]\d{0,8}$/.test(t)) throw new DicomwebRequestError(400, `frame number ${JSON.stringify(piece)} is not a positive integer; give e.g. frames/1,2`);
    const n = Number(t);
    if (n > numberOfFrames) throw new DicomwebRequestError(404, `frame ${n} does not exist (the instance has ${numberOfFrames})`);
    if (seen.has(n)) throw new DicomwebRequestError(400, `frame ${n} is listed twice; list each frame once`);
    seen.add(n);
  }
  return [...seen];
}
