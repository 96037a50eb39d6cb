import { InvalidArgumentError } from '../errors.js';
import type { Rescale } from './modalityLut.js';

/**
 * Chooses how float modality values are stored as signed 16-bit integers. Integer values that fit are
 * stored as they are (slope 1, intercept 0: exact, e.g. CT in HU). Anything else is mapped linearly onto
 * -32767..32767 so the whole range is kept with a step of (max - min) / 65534.
 */
export function chooseInt16Rescale(data: ArrayLike<number>): Rescale {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new InvalidArgumentError('chooseInt16Rescale', `value ${v} at index ${i} is not finite`);
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.round(v)) integral = false;
  }
  if (data.length === 0) return { slope: 1, intercept: 0 };
  if (integral && min >= -32768 && max <= 32767) return { slope: 1, intercept: 0 };
  if (max === min) return { slope: 1, intercept: min };
  // Round the intercept and slope to what a DS (16 characters) holds, so the reader sees the same numbers.
  const intercept = Number(formatDS((max + min) / 2));
  let slope = Number(formatDS((max - min) / 65534));
  while (Math.max(Math.abs(max - intercept), Math.abs(min - intercept)) / slope > 32767) slope = Number(formatDS(slope * (1 + 1e-7)));
  return { slope, intercept };
}

export function encodeInt16(data: ArrayLike<number>, r: Rescale): Int16Array {
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((data[i]! - r.intercept) / r.slope)));
  return out;
}

/** DICOM DS values hold at most 16 characters. */
export function formatDS(x: number): string {
  for (let p = 12; p >= 1; p--) {
    const s = String(Number(x.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  return x.toExponential(8);
}
