/**
 * Inpainting masks (1 = generate, 0 = keep) from what a user can draw in the viewer. Pure
 * functions on pixel coordinates; reading annotations and labelmaps from cornerstone is in
 * activeMask.ts.
 */

/**
 * Continuous pixel indices (i along columns, j along rows; pixel centres at integers) of a point in
 * patient coordinates, from the image plane: i = (p - origin) . dir_i / spacing_i, and likewise j.
 * Written out here rather than taken from cornerstone's worldToImageCoords, which divides the
 * distance along a row by the row spacing and so misplaces points on images with non-square pixels.
 */
export function worldToPixel(geometry: { spacing: readonly number[]; origin: readonly number[]; direction: readonly number[] }, p: readonly number[]): [number, number] {
  const d = [p[0]! - geometry.origin[0]!, p[1]! - geometry.origin[1]!, p[2]! - geometry.origin[2]!];
  const g = geometry.direction;
  const i = (d[0]! * g[0]! + d[1]! * g[1]! + d[2]! * g[2]!) / geometry.spacing[0]!;
  const j = (d[0]! * g[3]! + d[1]! * g[4]! + d[2]! * g[5]!) / geometry.spacing[1]!;
  return [i, j];
}

/** The pixels whose centres lie inside the axis-aligned box around `corners`, given as pixel indices [i, j]. */
export function rectangleMask(rows: number, columns: number, corners: readonly (readonly number[])[]): Uint8Array {
  const mask = new Uint8Array(rows * columns);
  if (corners.length === 0) return mask;
  const is = corners.map((p) => p[0]!);
  const js = corners.map((p) => p[1]!);
  const eps = 1e-6;
  const i0 = Math.max(0, Math.ceil(Math.min(...is) - eps));
  const i1 = Math.min(columns - 1, Math.floor(Math.max(...is) + eps));
  const j0 = Math.max(0, Math.ceil(Math.min(...js) - eps));
  const j1 = Math.min(rows - 1, Math.floor(Math.max(...js) + eps));
  if (i1 < i0) return mask;
  for (let j = j0; j <= j1; j++) mask.fill(1, j * columns + i0, j * columns + i1 + 1);
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
