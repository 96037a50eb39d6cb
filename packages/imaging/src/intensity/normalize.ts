import { EmptyVolumeError, InvalidArgumentError } from '../errors.js';
import { assertFinite } from '../image.js';
import { percentiles } from './percentile.js';

/**
 * What maps a volume's modality values to [-1, 1] and back: `low` goes to -1 and `high` to +1. Plain
 * data, saved with a dataset or passed from normalise to denormalise.
 */
export interface NormalizationStats {
  readonly low: number;
  readonly high: number;
  /** How low and high were found, for the record. */
  readonly method: 'percentile' | 'window' | 'fixed';
  readonly lowPercentile?: number;
  readonly highPercentile?: number;
}

export interface NormalizeOptions {
  /** Percentile mapped to -1; default 0.5. */
  readonly lowPercentile?: number;
  /** Percentile mapped to +1; default 99.5. */
  readonly highPercentile?: number;
  /** Clip results to [-1, 1]; default true. */
  readonly clip?: boolean;
  /**
   * Which voxels the percentiles are taken over: 'all' (default) or 'foreground' (values above the
   * volume's minimum, so air or zero padding around a brain does not pull the low percentile down).
   */
  readonly over?: 'all' | 'foreground';
}

export const DEFAULT_NORMALIZE_OPTIONS = Object.freeze({ lowPercentile: 0.5, highPercentile: 99.5, clip: true, over: 'all' as const });

/**
 * Robust per-volume statistics: Med-cDiff scales each patient's images to [-1, 1] (Hung et al. 2023,
 * section 2); robust percentiles instead of min and max keep a few hot voxels from squashing the range.
 */
export function computeNormalization(data: ArrayLike<number>, options: NormalizeOptions = {}): NormalizationStats {
  const o = { ...DEFAULT_NORMALIZE_OPTIONS, ...options };
  if (!(o.lowPercentile < o.highPercentile)) throw new InvalidArgumentError('computeNormalization', `lowPercentile (${o.lowPercentile}) must be below highPercentile (${o.highPercentile})`);
  if (o.over !== 'all' && o.over !== 'foreground') throw new InvalidArgumentError('computeNormalization', `over must be 'all' or 'foreground', got ${String(o.over)}`);
  assertFinite(data);
  let select: ((v: number) => boolean) | undefined;
  if (o.over === 'foreground') {
    let min = Infinity;
    for (let i = 0; i < data.length; i++) if (data[i]! < min) min = data[i]!;
    select = (v) => v > min;
  }
  const [low, high] = percentiles(data, [o.lowPercentile, o.highPercentile], select) as [number, number];
  if (!(high > low)) throw new EmptyVolumeError(undefined, `the ${o.lowPercentile} and ${o.highPercentile} percentiles are both ${low}: the image has no contrast to normalise`);
  return { low, high, method: 'percentile', lowPercentile: o.lowPercentile, highPercentile: o.highPercentile };
}

function checkStats(fn: string, s: NormalizationStats): void {
  if (!(Number.isFinite(s.low) && Number.isFinite(s.high) && s.high > s.low)) throw new InvalidArgumentError(fn, `stats need finite low < high, got low ${s.low}, high ${s.high}`);
}

/** Maps low to -1 and high to +1: y = 2 (x - low) / (high - low) - 1, clipped to [-1, 1] unless clip is false. */
export function applyNormalization(data: ArrayLike<number>, stats: NormalizationStats, clip = true): Float32Array {
  checkStats('applyNormalization', stats);
  const out = new Float32Array(data.length);
  const scale = 2 / (stats.high - stats.low);
  for (let i = 0; i < data.length; i++) {
    const y = (data[i]! - stats.low) * scale - 1;
    out[i] = clip ? (y < -1 ? -1 : y > 1 ? 1 : y) : y;
  }
  return out;
}

/** The inverse: x = (y + 1) (high - low) / 2 + low. Clipped values come back as low or high. */
export function denormalize(data: ArrayLike<number>, stats: NormalizationStats): Float32Array {
  checkStats('denormalize', stats);
  const out = new Float32Array(data.length);
  const half = (stats.high - stats.low) / 2;
  for (let i = 0; i < data.length; i++) out[i] = (data[i]! + 1) * half + stats.low;
  return out;
}

/** Per-volume normalisation to [-1, 1]: the statistics of this volume, then the mapping. */
export function normalize(data: ArrayLike<number>, options: NormalizeOptions = {}): { data: Float32Array; stats: NormalizationStats } {
  const stats = computeNormalization(data, options);
  return { data: applyNormalization(data, stats, options.clip ?? true), stats };
}
