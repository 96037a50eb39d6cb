import { InvalidArgumentError } from '../errors.js';
import { assertShape } from '../image.js';
import { padTo } from '../geometry/pad.js';
import { resize2d } from '../geometry/resample.js';

/** Where a slice lands in its size x size square, known before any resampling. */
export interface SquareFit {
  /** Output rows and columns of the slice's content (the rest is padding). */
  readonly rows: number;
  readonly cols: number;
  /** Output pixel side in mm (in the slice's own units when its spacing is nominal). */
  readonly pixel: number;
  /** Output pixels per native pixel along the finer axis: above 1 the slice is enlarged. */
  readonly upsampling: number;
  /** Coarser over finer native pixel side (1 for square pixels). */
  readonly anisotropy: number;
  /** Fraction of the square the content covers. */
  readonly fill: number;
}

function assertSpacing(fn: string, spacing: readonly [number, number]): void {
  if (!spacing.every((s) => Number.isFinite(s) && s > 0)) throw new InvalidArgumentError(fn, `pixel spacing must be positive, got ${spacing.join(' x ')}`);
}

/**
 * How a rows x cols slice with pixel spacing [column, row] fits a size x size square of square pixels:
 * the longer physical side spans the square, the other keeps the true aspect ratio.
 */
export function planSquareFit(rows: number, cols: number, spacing: readonly [number, number], size: number): SquareFit {
  assertSpacing('planSquareFit', spacing);
  if (!Number.isInteger(size) || size < 8) throw new InvalidArgumentError('planSquareFit', `size must be an integer of at least 8, got ${size}`);
  const [sx, sy] = spacing;
  const width = cols * sx;
  const height = rows * sy;
  const pixel = Math.max(width, height) / size;
  const outCols = Math.min(size, Math.max(1, Math.round(width / pixel)));
  const outRows = Math.min(size, Math.max(1, Math.round(height / pixel)));
  return { rows: outRows, cols: outCols, pixel, upsampling: Math.min(sx, sy) / pixel, anisotropy: Math.max(sx, sy) / Math.min(sx, sy), fill: (outRows * outCols) / (size * size) };
}

/**
 * Resamples a normalised slice to square pixels at `size` px across its longer side and centres it in
 * a size x size square padded with -1 (the background after normalisation). Each axis is resampled on
 * its own, 'area' where it shrinks (anti-aliased) and 'bilinear' where it grows (no overshoot beyond
 * [-1, 1]), so a thick-slice axis is interpolated without blurring the fine one.
 */
export function fitSquare(data: Float32Array, rows: number, cols: number, spacing: readonly [number, number], size: number): Float32Array {
  assertShape('fitSquare', data, [rows, cols]);
  const fit = planSquareFit(rows, cols, spacing, size);
  let out = data;
  if (fit.cols !== cols) out = resize2d(out, rows, cols, rows, fit.cols, fit.cols < cols ? 'area' : 'bilinear');
  if (fit.rows !== rows) out = resize2d(out, rows, fit.cols, fit.rows, fit.cols, fit.rows < rows ? 'area' : 'bilinear');
  if (fit.rows === size && fit.cols === size) return out === data ? data.slice() : out;
  return padTo(out, fit.rows, fit.cols, size, size, { mode: 'constant', value: -1 }).data;
}
