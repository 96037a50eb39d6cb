import { padTo, resize2d } from '@meddiff/imaging';
import { emptyTissueMaps, type TissueMaps } from './segment';
import { TISSUES } from './tissues';

/**
 * Pads a slice's maps to a square (the padding is background) and resamples them to size x size
 * by area averaging when shrinking, bilinear when enlarging. Averaging memberships is exact
 * partial-volume modelling: the signal is linear in them, so rendering the averaged maps equals
 * averaging the rendered fine pixels (before noise).
 */
export function squareTissueMaps(maps: TissueMaps, size: number): TissueMaps {
  const side = Math.max(maps.rows, maps.cols);
  const out = emptyTissueMaps(size, size);
  for (const t of TISSUES) {
    const fill = t === 'background' ? 1 : 0;
    const sq = maps.rows === maps.cols ? maps.memberships[t] : padTo(maps.memberships[t], maps.rows, maps.cols, side, side, { mode: 'constant', value: fill }).data;
    out.memberships[t] = side === size ? sq.slice() : resize2d(sq, side, side, size, size, side > size ? 'area' : 'bilinear');
  }
  return out;
}

/**
 * Where each output pixel of a slice's maps comes from: a whole-pixel shift, then optionally a
 * rotation and an anisotropic scale about the centre and a smooth displacement (in pixels, per
 * output pixel), then a left-right mirror. Without rotation, scale or displacement every pixel
 * lands on a source pixel exactly, so flip and shift alone copy memberships unchanged.
 */
export interface SliceWarp {
  flip: boolean;
  shiftRows: number;
  shiftCols: number;
  /** Radians, counter-clockwise. */
  rotation?: number;
  /** Scale along rows and along columns (> 1 enlarges the anatomy). */
  scale?: readonly [number, number];
  /** Displacement of the sampling point, in pixels, rows then columns: each rows x cols. */
  displacement?: { rows: Float32Array; cols: Float32Array };
}

/**
 * Resamples every membership map through the warp with bilinear interpolation; outside the slice
 * is background. Bilinear weights sum to one, so the memberships still sum to one per pixel.
 */
export function warpTissueMaps(maps: TissueMaps, w: SliceWarp): TissueMaps {
  const { rows, cols } = maps;
  const out = emptyTissueMaps(rows, cols);
  const cy = (rows - 1) / 2;
  const cx = (cols - 1) / 2;
  const cos = Math.cos(w.rotation ?? 0);
  const sin = Math.sin(w.rotation ?? 0);
  const [scaleRows, scaleCols] = w.scale ?? [1, 1];
  const plain = !w.rotation && scaleRows === 1 && scaleCols === 1;
  const at = new Float64Array(rows * cols * 2);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const i = y * cols + x;
      const py = y - w.shiftRows - cy;
      const px = x - w.shiftCols - cx;
      // The inverse of "scale, then rotate": rotate back, then divide by the scale.
      let sy = plain ? py : (cos * py - sin * px) / scaleRows;
      let sx = plain ? px : (sin * py + cos * px) / scaleCols;
      sy += cy + (w.displacement?.rows[i] ?? 0);
      sx += cx + (w.displacement?.cols[i] ?? 0);
      at[2 * i] = sy;
      at[2 * i + 1] = w.flip ? cols - 1 - sx : sx;
    }
  }
  for (const t of TISSUES) {
    const src = maps.memberships[t];
    const dst = out.memberships[t];
    const outside = t === 'background' ? 1 : 0;
    const value = (y: number, x: number) => (y < 0 || y >= rows || x < 0 || x >= cols ? outside : src[y * cols + x]!);
    for (let i = 0; i < rows * cols; i++) {
      const sy = at[2 * i]!;
      const sx = at[2 * i + 1]!;
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      let v = (1 - fy) * (1 - fx) * value(y0, x0);
      if (fx > 0) v += (1 - fy) * fx * value(y0, x0 + 1);
      if (fy > 0) v += fy * ((1 - fx) * value(y0 + 1, x0) + (fx > 0 ? fx * value(y0 + 1, x0 + 1) : 0));
      dst[i] = v;
    }
  }
  return out;
}
