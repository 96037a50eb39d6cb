import type { Random } from './random';

/** 1 where pixels are to be generated, 0 where they are known. Row-major rows x cols. */
export type InpaintingMask = Uint8Array;

/** One axis-aligned rectangle covering about `coverage` of the image, with a random aspect ratio and place. */
export function boxMask(rows: number, cols: number, coverage: number, random: Random): InpaintingMask {
  const mask = new Uint8Array(rows * cols);
  const area = Math.max(1, coverage * rows * cols);
  const aspect = Math.exp(random.uniform(Math.log(0.5), Math.log(2)));
  const h = Math.min(rows, Math.max(1, Math.round(Math.sqrt(area * aspect))));
  const w = Math.min(cols, Math.max(1, Math.round(area / h)));
  const top = random.integer(0, rows - h + 1);
  const left = random.integer(0, cols - w + 1);
  for (let y = top; y < top + h; y++) mask.fill(1, y * cols + left, y * cols + left + w);
  return mask;
}

/**
 * Free-form brush strokes, as in the free-form inpainting masks of Yu et al. 2019 (DeepFill v2):
 * random walks of a round brush, drawn until about `coverage` of the image is covered.
 */
export function strokeMask(rows: number, cols: number, coverage: number, random: Random): InpaintingMask {
  const mask = new Uint8Array(rows * cols);
  const target = coverage * rows * cols;
  const size = Math.min(rows, cols);
  let covered = 0;
  const stamp = (cy: number, cx: number, r: number) => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(rows - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(cols - 1, Math.ceil(cx + r)); x++) {
        if ((y - cy) ** 2 + (x - cx) ** 2 <= r * r && !mask[y * cols + x]) {
          mask[y * cols + x] = 1;
          covered++;
        }
      }
    }
  };
  for (let stroke = 0; stroke < 64 && covered < target; stroke++) {
    let y = random.uniform(0, rows);
    let x = random.uniform(0, cols);
    const radius = Math.max(1, random.uniform(0.02, 0.06) * size);
    let angle = random.uniform(0, 2 * Math.PI);
    const vertices = random.integer(4, 12);
    for (let v = 0; v < vertices && covered < target; v++) {
      angle += random.uniform(-0.8, 0.8);
      const length = random.uniform(0.05, 0.2) * size;
      const steps = Math.max(1, Math.ceil(length / (radius / 2)));
      for (let s = 0; s < steps && covered < target; s++) {
        y = Math.min(rows - 1, Math.max(0, y + (Math.sin(angle) * length) / steps));
        x = Math.min(cols - 1, Math.max(0, x + (Math.cos(angle) * length) / steps));
        stamp(y, x, radius);
      }
    }
  }
  return mask;
}

/** Share of pixels a mask marks for generation. */
export function maskCoverage(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n / mask.length;
}
