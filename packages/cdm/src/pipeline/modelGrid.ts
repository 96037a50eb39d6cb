import { resize2d, squareSlice } from '@meddiff/imaging';

/**
 * The model sees slices as it was trained: padded to a square with the background value (-1
 * after normalisation) and resampled to its imageSize. `fromModelGrid` undoes both.
 */
export function toModelGrid(normalized: Float32Array, rows: number, cols: number, size: number): Float32Array {
  return squareSlice(normalized, rows, cols, size);
}

export function fromModelGrid(values: Float32Array, size: number, rows: number, cols: number): Float32Array {
  const side = Math.max(rows, cols);
  const square = side === size ? values : resize2d(values, size, size, side, side, side > size ? 'bilinear' : 'area');
  if (rows === side && cols === side) return square;
  const top = Math.floor((side - rows) / 2);
  const left = Math.floor((side - cols) / 2);
  const out = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) out.set(square.subarray((y + top) * side + left, (y + top) * side + left + cols), y * cols);
  return out;
}
