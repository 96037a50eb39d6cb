import { UnsupportedPixelFormatError } from '../errors.js';
import { num } from './datasetValues.js';
import { frameMacro } from './frameAttributes.js';
import type { NaturalDataset } from './parseDicom.js';

export interface Rescale {
  readonly slope: number;
  readonly intercept: number;
}

/** The linear modality LUT of frame k (PS3.3 C.11.1): RescaleSlope and RescaleIntercept, default 1 and 0. */
export function frameRescale(ds: NaturalDataset, k: number, file?: string): Rescale {
  if (ds['ModalityLUTSequence'] !== undefined) {
    throw new UnsupportedPixelFormatError(file, 'a Modality LUT Sequence (a non-linear modality LUT) is not applied; only RescaleSlope/RescaleIntercept are');
  }
  const m = frameMacro(ds, k, 'PixelValueTransformationSequence');
  const slope = num(m, 'RescaleSlope') ?? num(ds, 'RescaleSlope') ?? 1;
  const intercept = num(m, 'RescaleIntercept') ?? num(ds, 'RescaleIntercept') ?? 0;
  return { slope: slope === 0 ? 1 : slope, intercept };
}

/**
 * Applies the modality LUT once, in float64, into a Float32Array: the only place stored values become
 * modality values, so nothing downstream may rescale again.
 */
export function applyRescale(stored: ArrayLike<number>, r: Rescale, out: Float32Array, offset = 0): void {
  for (let i = 0; i < stored.length; i++) out[offset + i] = stored[i]! * r.slope + r.intercept;
}
