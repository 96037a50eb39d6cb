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

/** Mirror left-right and shift by whole pixels (what comes in at the border is background). */
export function augmentTissueMaps(maps: TissueMaps, o: { flip: boolean; shiftRows: number; shiftCols: number }): TissueMaps {
  const { rows, cols } = maps;
  const out = emptyTissueMaps(rows, cols);
  for (const t of TISSUES) {
    const src = maps.memberships[t];
    const dst = out.memberships[t];
    if (t === 'background') dst.fill(1);
    for (let y = 0; y < rows; y++) {
      const sy = y - o.shiftRows;
      if (sy < 0 || sy >= rows) continue;
      for (let x = 0; x < cols; x++) {
        let sx = x - o.shiftCols;
        if (sx < 0 || sx >= cols) continue;
        if (o.flip) sx = cols - 1 - sx;
        dst[y * cols + x] = src[sy * cols + sx]!;
      }
    }
  }
  return out;
}
