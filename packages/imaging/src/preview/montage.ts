import { encode } from 'fast-png';
import { InvalidArgumentError } from '../errors.js';

/** One panel: rows x cols values shown through a linear window [low, high] -> [0, 255], clipped. */
export interface Panel {
  data: Float32Array;
  window: readonly [number, number];
}

/**
 * A grid of greyscale panels (one row per slice), each enlarged by an integer `scale` with
 * nearest-neighbour pixels, separated by `gap` white pixels, as an 8-bit greyscale PNG.
 */
export function montagePng(grid: readonly (readonly Panel[])[], rows: number, cols: number, scale = 1, gap = 2): Uint8Array {
  const columns = Math.max(...grid.map((r) => r.length));
  const ph = rows * scale;
  const pw = cols * scale;
  const width = columns * pw + (columns + 1) * gap;
  const height = grid.length * ph + (grid.length + 1) * gap;
  const pixels = new Uint8Array(width * height).fill(255);
  grid.forEach((row, r) => {
    row.forEach((panel, c) => {
      if (panel.data.length !== rows * cols) throw new InvalidArgumentError('montagePng', `panel ${r},${c} has ${panel.data.length} values, expected ${rows} x ${cols}`);
      const [lo, hi] = panel.window;
      const top = gap + r * (ph + gap);
      const left = gap + c * (pw + gap);
      for (let y = 0; y < ph; y++) {
        for (let x = 0; x < pw; x++) {
          const v = (panel.data[Math.floor(y / scale) * cols + Math.floor(x / scale)]! - lo) / (hi - lo);
          pixels[(top + y) * width + left + x] = Math.round(255 * (v < 0 ? 0 : v > 1 ? 1 : v));
        }
      }
    });
  });
  return encode({ width, height, data: pixels, channels: 1, depth: 8 });
}
