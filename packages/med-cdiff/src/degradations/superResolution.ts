import { resize2d } from '@meddiff/imaging';

/** The low-resolution grid for a factor: at least one pixel per side. */
export function lowResolutionSize(rows: number, cols: number, factor: number): [number, number] {
  return [Math.max(1, Math.round(rows / factor)), Math.max(1, Math.round(cols / factor))];
}

/**
 * The paper's super-resolution degradation: downsample by `factor` with anti-aliasing (area
 * averaging), then upsample back to the original grid (bicubic). The model learns to restore
 * the detail this removes; its condition is always an image on the output grid.
 */
export function downsampleThenUpsample(image: Float32Array, rows: number, cols: number, factor: number): Float32Array {
  const [lr, lc] = lowResolutionSize(rows, cols, factor);
  return resize2d(resize2d(image, rows, cols, lr, lc, 'area'), lr, lc, rows, cols, 'bicubic');
}
