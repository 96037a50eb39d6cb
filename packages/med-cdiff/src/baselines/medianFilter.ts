import { InvalidInputError } from '../errors';
import { reflectIndex } from './reflectIndex';

/**
 * Median filter over a size x size window (default 3 x 3), the classic remedy for impulse
 * (salt-and-pepper) noise: an isolated outlier never reaches the median of its window.
 * Borders are extended by half-sample reflection, as scipy.ndimage.median_filter(mode='reflect').
 */
export function medianFilter(image: ArrayLike<number>, rows: number, cols: number, size = 3): Float32Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new InvalidInputError(`medianFilter: size must be an odd positive integer, got ${size}.`);
  if (image.length !== rows * cols) throw new InvalidInputError(`medianFilter: ${image.length} values are not ${rows} x ${cols}.`);
  const r = (size - 1) / 2;
  const window = new Float64Array(size * size);
  const mid = (size * size - 1) / 2;
  const out = new Float32Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let k = 0;
      for (let dy = -r; dy <= r; dy++) {
        const base = reflectIndex(y + dy, rows) * cols;
        for (let dx = -r; dx <= r; dx++) window[k++] = image[base + reflectIndex(x + dx, cols)]!;
      }
      window.sort();
      out[y * cols + x] = window[mid]!;
    }
  }
  return out;
}
