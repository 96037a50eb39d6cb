import { InvalidArgumentError } from '../errors.js';
import { type Volume } from '../image.js';
import { reorientToLPS } from '../geometry/reorient.js';
import { padTo } from '../geometry/pad.js';
import { resize2d } from '../geometry/resample.js';
import { applyNormalization, computeNormalization, type NormalizationStats, type NormalizeOptions } from '../intensity/normalize.js';

export interface SliceOptions {
  /** Output side in pixels (slices are square); default 128. */
  readonly size?: number;
  /** At most this many slices per volume, evenly spaced; default 48. */
  readonly maxSlices?: number;
  /** Skip slices where less than this fraction of pixels is above the background; default 0.1. */
  readonly minForeground?: number;
  readonly normalize?: NormalizeOptions;
  /** Take exactly these slices (after reorientation) instead of choosing; used to align channels. */
  readonly indices?: readonly number[];
}

export const DEFAULT_SLICE_OPTIONS = Object.freeze({ size: 128, maxSlices: 48, minForeground: 0.1 });

/**
 * Puts a normalised [rows, cols] slice into a size x size square: pads the short side with -1 (the
 * background after normalisation) to a square, then resizes ('area' when shrinking, which anti-aliases;
 * 'bilinear' when enlarging, which cannot overshoot [-1, 1]). Assumes square pixels in plane.
 */
export function squareSlice(data: Float32Array, rows: number, cols: number, size: number): Float32Array {
  const side = Math.max(rows, cols);
  const sq = rows === cols ? data : padTo(data, rows, cols, side, side, { mode: 'constant', value: -1 }).data;
  if (side === size) return sq.slice();
  return resize2d(sq, side, side, size, size, side > size ? 'area' : 'bilinear');
}

/** Which slices to keep: foreground above the threshold, then at most `max` evenly spaced. */
export function chooseSlices(foreground: readonly number[], minForeground: number, max: number): number[] {
  const ok = foreground.map((f, k) => (f >= minForeground ? k : -1)).filter((k) => k >= 0);
  if (ok.length <= max) return ok;
  return Array.from({ length: max }, (_, t) => ok[Math.round((t * (ok.length - 1)) / Math.max(1, max - 1))]!);
}

/**
 * Turns a volume into training slices: reoriented to LPS so axial slices look alike for every source,
 * normalised per volume to [-1, 1] (Med-cDiff's per-patient scaling), background slices dropped, and
 * each slice made size x size. `stats` undoes the normalisation.
 */
export function volumeToSlices(volume: Volume, options: SliceOptions = {}): { slices: Float32Array[]; indices: number[]; stats: NormalizationStats; oriented: Volume } {
  const o = { ...DEFAULT_SLICE_OPTIONS, ...options };
  if (!Number.isInteger(o.size) || o.size < 8) throw new InvalidArgumentError('volumeToSlices', `size must be an integer of at least 8, got ${o.size}`);
  if (!Number.isInteger(o.maxSlices) || o.maxSlices < 1) throw new InvalidArgumentError('volumeToSlices', `maxSlices must be a positive integer, got ${o.maxSlices}`);
  const oriented = reorientToLPS(volume);
  const [depth, rows, cols] = oriented.shape;
  const stats = computeNormalization(oriented.data, o.normalize);
  const n = rows * cols;
  const foreground: number[] = [];
  const norm = applyNormalization(oriented.data, stats, o.normalize?.clip ?? true);
  for (let k = 0; k < depth; k++) {
    let c = 0;
    for (let i = k * n; i < (k + 1) * n; i++) if (norm[i]! > -0.9) c++;
    foreground.push(c / n);
  }
  const indices = options.indices ? [...options.indices] : chooseSlices(foreground, o.minForeground, o.maxSlices);
  for (const k of indices) if (!(k >= 0 && k < depth)) throw new InvalidArgumentError('volumeToSlices', `slice ${k} is outside 0..${depth - 1}`);
  const slices = indices.map((k) => squareSlice(norm.subarray(k * n, (k + 1) * n), rows, cols, o.size));
  return { slices, indices, stats, oriented };
}

/** A small seeded PRNG (mulberry32) so splits are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits subjects (never slices) into train and validation: sorted, shuffled with `seed`, the first
 * round(valFraction * n) (at least one when there are two or more subjects) go to validation.
 */
export function splitSubjects(subjects: readonly string[], valFraction: number, seed: number): { train: string[]; val: string[] } {
  if (!(valFraction >= 0 && valFraction < 1)) throw new InvalidArgumentError('splitSubjects', `valFraction must be in [0, 1), got ${valFraction}`);
  const sorted = [...new Set(subjects)].sort();
  const rand = seededRandom(seed);
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
  }
  const nVal = sorted.length < 2 || valFraction === 0 ? 0 : Math.min(sorted.length - 1, Math.max(1, Math.round(valFraction * sorted.length)));
  return { val: sorted.slice(0, nVal).sort(), train: sorted.slice(nVal).sort() };
}
