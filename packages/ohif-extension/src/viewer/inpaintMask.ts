/**
 * Inpainting masks (1 = generate, 0 = keep) from what a user can draw in the viewer. Pure
 * functions on pixel coordinates; reading annotations and labelmaps from cornerstone is in
 * activeMask.ts.
 */

/**
 * The pixels whose centres lie inside the axis-aligned box around `corners` (image coordinates:
 * x = column, y = row, pixel (i, j) has its centre at (i + 0.5, j + 0.5) as cornerstone's
 * worldToImageCoords returns for a pixel's top-left corner at (i, j)).
 */
export function rectangleMask(rows: number, columns: number, corners: readonly (readonly number[])[]): Uint8Array {
  const mask = new Uint8Array(rows * columns);
  if (corners.length === 0) return mask;
  const xs = corners.map((p) => p[0]!);
  const ys = corners.map((p) => p[1]!);
  const x0 = Math.max(0, Math.ceil(Math.min(...xs) - 0.5));
  const x1 = Math.min(columns - 1, Math.floor(Math.max(...xs) - 0.5));
  const y0 = Math.max(0, Math.ceil(Math.min(...ys) - 0.5));
  const y1 = Math.min(rows - 1, Math.floor(Math.max(...ys) - 0.5));
  for (let y = y0; y <= y1; y++) mask.fill(1, y * columns + x0, x1 >= x0 ? y * columns + x1 + 1 : y * columns + x0);
  return mask;
}

/** The pixels of one segment of a labelmap slice. */
export function segmentMask(labels: ArrayLike<number>, segmentIndex: number): Uint8Array {
  const mask = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) mask[i] = labels[i] === segmentIndex ? 1 : 0;
  return mask;
}

export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v;
  return n;
}
