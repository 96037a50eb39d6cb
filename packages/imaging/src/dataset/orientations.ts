import { InvalidArgumentError } from '../errors.js';
import { directionAxis, type Mat3, type Volume } from '../image.js';

/** The three anatomical planes a volume is cut along. */
export const SLICE_PLANES = ['axial', 'coronal', 'sagittal'] as const;
export type SlicePlane = (typeof SLICE_PLANES)[number];

/** One 2-D cut of a volume, in display order, with its pixel spacing [column, row] in mm. */
export interface PlaneSlice {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly spacing: readonly [number, number];
}

/** Checks a plane name from outside (CLI, JSON); the error lists the allowed ones. */
export function assertSlicePlane(fn: string, plane: string): asserts plane is SlicePlane {
  if (!(SLICE_PLANES as readonly string[]).includes(plane)) throw new InvalidArgumentError(fn, `unknown plane "${plane}"; choose from ${SLICE_PLANES.join(', ')}`);
}

/**
 * The plane a single slice lies in, from its normal (+k): the world axis the normal is closest to. LPS:
 * a normal along z is axial, along y coronal, along x sagittal.
 */
export function planeOfNormal(direction: Mat3): SlicePlane {
  const n = directionAxis(direction, 2).map(Math.abs);
  if (n[2]! >= n[0]! && n[2]! >= n[1]!) return 'axial';
  return n[1]! >= n[0]! ? 'coronal' : 'sagittal';
}

/** How many slices a volume reoriented to LPS has along a plane's normal. */
export function planeSliceCount(volume: Volume, plane: SlicePlane): number {
  const [depth, rows, cols] = volume.shape;
  return plane === 'axial' ? depth : plane === 'coronal' ? rows : cols;
}

/**
 * Slice `index` of a volume already reoriented to LPS (`reorientToLPS`: i to patient left, j to
 * posterior, k to superior), laid out as radiologists view it so every source looks alike:
 * - axial (index k, inferior to superior): anterior at the top, patient right on the left;
 * - coronal (index j, anterior to posterior): superior at the top, patient right on the left;
 * - sagittal (index i, right to left): superior at the top, anterior on the left.
 * The spacing is [column, row]; coronal and sagittal slices of thick-slice volumes have rectangular
 * pixels, which `fitSquare` resamples.
 */
export function planeSlice(volume: Volume, plane: SlicePlane, index: number): PlaneSlice {
  const [depth, rows, cols] = volume.shape;
  const [si, sj, sk] = volume.geometry.spacing;
  const count = planeSliceCount(volume, plane);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidArgumentError('planeSlice', `${plane} slice ${index} is outside 0..${count - 1}`);
  const src = volume.data;
  if (plane === 'axial') return { data: src.slice(index * rows * cols, (index + 1) * rows * cols), rows, cols, spacing: [si, sj] };
  if (plane === 'coronal') {
    const out = new Float32Array(depth * cols);
    // Row r shows k = depth - 1 - r: superior at the top.
    for (let r = 0; r < depth; r++) out.set(src.subarray(((depth - 1 - r) * rows + index) * cols, ((depth - 1 - r) * rows + index + 1) * cols), r * cols);
    return { data: out, rows: depth, cols, spacing: [si, sk] };
  }
  const out = new Float32Array(depth * rows);
  for (let r = 0; r < depth; r++) {
    const k = depth - 1 - r;
    for (let c = 0; c < rows; c++) out[r * rows + c] = src[(k * rows + c) * cols + index]!;
  }
  return { data: out, rows: depth, cols: rows, spacing: [sj, sk] };
}
