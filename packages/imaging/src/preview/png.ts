import { InvalidArgumentError } from '../errors.js';
import { assertShape } from '../image.js';
import { montagePng } from './montage.js';

/** Encodes a greyscale image as an 8-bit PNG, mapping [low, high] to [0, 255] (clipped): previews of slices and datasets. */
export function encodeGreyPng(data: ArrayLike<number>, rows: number, cols: number, low: number, high: number): Uint8Array {
  assertShape('encodeGreyPng', data, [rows, cols]);
  if (!(high > low)) throw new InvalidArgumentError('encodeGreyPng', `high (${high}) must exceed low (${low})`);
  return montagePng([[{ data: Float32Array.from(data), window: [low, high] }]], rows, cols, 1, 0);
}

/** Tiles equally sized images into one grid image (row-major), for contact sheets. */
export function contactSheet(images: readonly ArrayLike<number>[], rows: number, cols: number, perRow: number, fill = -1): { data: Float32Array; rows: number; cols: number } {
  const gridRows = Math.ceil(images.length / perRow);
  const outCols = perRow * cols;
  const outRows = gridRows * rows;
  const out = new Float32Array(outRows * outCols).fill(fill);
  images.forEach((img, n) => {
    const oy = Math.floor(n / perRow) * rows;
    const ox = (n % perRow) * cols;
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) out[(oy + y) * outCols + ox + x] = img[y * cols + x]!;
  });
  return { data: out, rows: outRows, cols: outCols };
}
