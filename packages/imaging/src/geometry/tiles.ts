import { InvalidArgumentError } from '../errors.js';
import { assertShape } from '../image.js';

/** Where the tiles of an image lie. Plain data: plan once, split, run a model per tile, blend. */
export interface TileLayout {
  readonly rows: number;
  readonly cols: number;
  readonly tileRows: number;
  readonly tileCols: number;
  /** Top-left corner of each tile, row-major over the grid. */
  readonly origins: readonly { readonly y: number; readonly x: number }[];
}

/** Tile starts along one axis: as few tiles as give at least `overlap`, spread evenly, the last flush with the end. */
function starts(size: number, tile: number, overlap: number): number[] {
  if (size <= tile) return [0];
  const n = Math.ceil((size - overlap) / (tile - overlap));
  return Array.from({ length: n }, (_, k) => Math.round((k * (size - tile)) / (n - 1)));
}

/** Plans tiles of `tileSize` (square, or [rows, cols]) overlapping by at least `overlap` pixels. */
export function planTiles(rows: number, cols: number, tileSize: number | readonly [number, number], overlap: number): TileLayout {
  const [tr, tc] = typeof tileSize === 'number' ? [tileSize, tileSize] : tileSize;
  for (const [n, v] of [['rows', rows], ['cols', cols], ['tile rows', tr], ['tile cols', tc]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new InvalidArgumentError('planTiles', `${n} must be a positive integer, got ${v}`);
  }
  const tileRows = Math.min(tr, rows);
  const tileCols = Math.min(tc, cols);
  // Only axes that need more than one tile overlap.
  const limit = Math.min(rows > tileRows ? tileRows : Infinity, cols > tileCols ? tileCols : Infinity);
  if (!Number.isInteger(overlap) || overlap < 0 || 2 * overlap > limit) {
    throw new InvalidArgumentError('planTiles', `overlap must be an integer from 0 to half the tile size (${Math.floor(limit / 2)}), got ${overlap}`);
  }
  const ys = starts(rows, tileRows, overlap);
  const xs = starts(cols, tileCols, overlap);
  return { rows, cols, tileRows, tileCols, origins: ys.flatMap((y) => xs.map((x) => ({ y, x }))) };
}

export function splitTiles(data: ArrayLike<number>, layout: TileLayout): Float32Array[] {
  assertShape('splitTiles', data, [layout.rows, layout.cols]);
  return layout.origins.map(({ y, x }) => {
    const t = new Float32Array(layout.tileRows * layout.tileCols);
    for (let r = 0; r < layout.tileRows; r++) {
      for (let c = 0; c < layout.tileCols; c++) t[r * layout.tileCols + c] = data[(y + r) * layout.cols + x + c]!;
    }
    return t;
  });
}

/**
 * 1-D blending weight of a tile starting at `s`: a raised-cosine (Hann) ramp across the overlap with the
 * previous tile and with the next one, 1 elsewhere and at the image border. Sampled at pixel centres so
 * it never reaches 0. For two neighbours the ramps are sin^2 and cos^2 of the same angle and add to 1.
 */
function axisWeights(s: number, tile: number, all: readonly number[]): Float64Array {
  const w = new Float64Array(tile).fill(1);
  const k = all.indexOf(s);
  const prev = all[k - 1];
  const next = all[k + 1];
  if (prev !== undefined) {
    const ov = prev + tile - s;
    for (let t = 0; t < Math.min(ov, tile); t++) w[t]! *= Math.sin((Math.PI / 2) * ((t + 0.5) / ov)) ** 2;
  }
  if (next !== undefined) {
    const ov = s + tile - next;
    for (let t = 0; t < Math.min(ov, tile); t++) w[tile - 1 - t]! *= Math.sin((Math.PI / 2) * ((t + 0.5) / ov)) ** 2;
  }
  return w;
}

/**
 * Blends processed tiles back into one image: a weighted average with the tiles' Hann-ramp windows,
 * divided by the summed weight at each pixel so the weights add to exactly one everywhere; tiles that
 * were left unchanged blend back to the original image.
 */
export function blendTiles(tiles: readonly ArrayLike<number>[], layout: TileLayout): Float32Array {
  if (tiles.length !== layout.origins.length) throw new InvalidArgumentError('blendTiles', `got ${tiles.length} tiles for a layout of ${layout.origins.length}`);
  const ys = [...new Set(layout.origins.map((o) => o.y))];
  const xs = [...new Set(layout.origins.map((o) => o.x))];
  const acc = new Float64Array(layout.rows * layout.cols);
  const wsum = new Float64Array(layout.rows * layout.cols);
  tiles.forEach((tile, n) => {
    assertShape('blendTiles', tile, [layout.tileRows, layout.tileCols]);
    const { y, x } = layout.origins[n]!;
    const wy = axisWeights(y, layout.tileRows, ys);
    const wx = axisWeights(x, layout.tileCols, xs);
    for (let r = 0; r < layout.tileRows; r++) {
      for (let c = 0; c < layout.tileCols; c++) {
        const w = wy[r]! * wx[c]!;
        const o = (y + r) * layout.cols + x + c;
        acc[o]! += w * tile[r * layout.tileCols + c]!;
        wsum[o]! += w;
      }
    }
  });
  const out = new Float32Array(acc.length);
  for (let i = 0; i < out.length; i++) out[i] = acc[i]! / wsum[i]!;
  return out;
}
