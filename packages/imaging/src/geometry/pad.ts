import { InvalidArgumentError } from '../errors.js';
import { assertShape } from '../image.js';

/** Pixels added on each side. */
export interface Padding {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

export interface PadOptions {
  /** 'constant' (default, with `value`), 'edge' (repeat the border pixel) or 'reflect' (mirror, without repeating the border). */
  readonly mode?: 'constant' | 'edge' | 'reflect';
  /** Fill value for 'constant'; default 0 (use -1 for images normalised to [-1, 1] with a dark background). */
  readonly value?: number;
  /** 'center' (default) splits the padding, extra pixel at the end; 'end' pads bottom and right only. */
  readonly align?: 'center' | 'end';
}

function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}

/** Pads a [rows, cols] image to [outRows, outCols] (each at least as large). */
export function padTo(data: ArrayLike<number>, rows: number, cols: number, outRows: number, outCols: number, options: PadOptions = {}): { data: Float32Array; padding: Padding } {
  assertShape('padTo', data, [rows, cols]);
  if (outRows < rows || outCols < cols) throw new InvalidArgumentError('padTo', `cannot pad ${rows}x${cols} to the smaller ${outRows}x${outCols}`);
  const mode = options.mode ?? 'constant';
  if (!['constant', 'edge', 'reflect'].includes(mode)) throw new InvalidArgumentError('padTo', `mode must be 'constant', 'edge' or 'reflect', got ${String(mode)}`);
  const align = options.align ?? 'center';
  const dy = outRows - rows;
  const dx = outCols - cols;
  const top = align === 'center' ? Math.floor(dy / 2) : 0;
  const left = align === 'center' ? Math.floor(dx / 2) : 0;
  const padding: Padding = { top, bottom: dy - top, left, right: dx - left };
  const out = new Float32Array(outRows * outCols);
  const value = options.value ?? 0;
  for (let y = 0; y < outRows; y++) {
    let sy = y - top;
    const insideY = sy >= 0 && sy < rows;
    if (!insideY) sy = mode === 'edge' ? Math.min(rows - 1, Math.max(0, sy)) : mode === 'reflect' ? reflectIndex(sy, rows) : -1;
    for (let x = 0; x < outCols; x++) {
      let sx = x - left;
      const insideX = sx >= 0 && sx < cols;
      if (!insideX) sx = mode === 'edge' ? Math.min(cols - 1, Math.max(0, sx)) : mode === 'reflect' ? reflectIndex(sx, cols) : -1;
      out[y * outCols + x] = sy < 0 || sx < 0 ? value : data[sy * cols + sx]!;
    }
  }
  return { data: out, padding };
}

/** Pads so both sides are multiples of `multiple` (a U-Net with d downsamplings needs 2^d). */
export function padToMultiple(data: ArrayLike<number>, rows: number, cols: number, multiple: number, options: PadOptions = {}): { data: Float32Array; rows: number; cols: number; padding: Padding } {
  if (!Number.isInteger(multiple) || multiple < 1) throw new InvalidArgumentError('padToMultiple', `multiple must be a positive integer, got ${multiple}`);
  const outRows = Math.ceil(rows / multiple) * multiple;
  const outCols = Math.ceil(cols / multiple) * multiple;
  return { ...padTo(data, rows, cols, outRows, outCols, options), rows: outRows, cols: outCols };
}

/** Undoes a padding: crops a [rows, cols] padded image back to its original size. */
export function cropPadding(data: ArrayLike<number>, rows: number, cols: number, padding: Padding): Float32Array {
  assertShape('cropPadding', data, [rows, cols]);
  const outRows = rows - padding.top - padding.bottom;
  const outCols = cols - padding.left - padding.right;
  if (outRows <= 0 || outCols <= 0 || Object.values(padding).some((p) => !Number.isInteger(p) || p < 0)) {
    throw new InvalidArgumentError('cropPadding', `padding ${JSON.stringify(padding)} does not fit a ${rows}x${cols} image`);
  }
  const out = new Float32Array(outRows * outCols);
  for (let y = 0; y < outRows; y++) {
    for (let x = 0; x < outCols; x++) out[y * outCols + x] = data[(y + padding.top) * cols + x + padding.left]!;
  }
  return out;
}
