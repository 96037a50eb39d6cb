import { InvalidArgumentError } from '../errors.js';
import type { Volume } from '../image.js';
import { reorientToLPS } from '../geometry/reorient.js';
import { applyNormalization, computeNormalization, type NormalizationStats, type NormalizeOptions } from '../intensity/normalize.js';
import { fitSquare, planSquareFit } from './fitSquare.js';
import { planeOfNormal, planeSlice, planeSliceCount, SLICE_PLANES, type PlaneSlice, type SlicePlane } from './orientations.js';
import { chooseSlices } from './slices.js';

export interface PlaneSliceOptions {
  /** Output side in pixels (slices are square); default 128. */
  readonly size?: number;
  /** Planes to cut a 3-D volume along; default all three. */
  readonly planes?: readonly SlicePlane[];
  /** Drop slices where less than this fraction of the output square is above the background; default 0.1. */
  readonly minForeground?: number;
  /**
   * Drop a plane whose slices would be enlarged more than this (output pixels per native pixel along the
   * finer axis); default 2. An enlarged slice is a blurred one, and a blurred target teaches a
   * super-resolution model to blur.
   */
  readonly maxUpsampling?: number;
  /** Drop a plane whose native pixels are more than this many times longer than wide; default 3. */
  readonly maxAnisotropy?: number;
  /**
   * Drop a plane whose content spans less than this fraction of the square along its shorter side;
   * default 0.25. A thin slab seen edge-on (the coronal cut of a 24-slice EPI) is mostly padding.
   */
  readonly minExtent?: number;
  /** At most this many slices per plane, evenly spaced; default every usable slice. */
  readonly maxSlicesPerPlane?: number;
  /** The plane of a 2-D image that records no orientation; default from its geometry (its normal). */
  readonly plane2d?: SlicePlane;
  /** Values below this are raised to it before normalisation (CT padding outside the scan circle). */
  readonly floor?: number;
  readonly normalize?: NormalizeOptions;
}

export const DEFAULT_PLANE_SLICE_OPTIONS = Object.freeze({ size: 128, minForeground: 0.1, maxUpsampling: 2, maxAnisotropy: 3, minExtent: 0.25 });

/** The kept slices of one plane, or why the plane was dropped. */
export interface PlaneSlices {
  readonly plane: SlicePlane;
  /** Index along the plane's normal of each kept slice (0 for a 2-D image). */
  readonly indices: number[];
  readonly slices: Float32Array[];
  /** Slice count and native size of the plane before selection. */
  readonly available: number;
  readonly nativeSize: readonly [number, number];
  readonly spacing: readonly [number, number];
  /** Set when the whole plane was dropped. */
  readonly droppedBecause?: string;
}

/** Background after normalisation to [-1, 1] (the 0.5th percentile maps to -1): below this is not tissue. */
const FOREGROUND_LEVEL = -0.9;

function foregroundFraction(s: PlaneSlice): number {
  let c = 0;
  for (const x of s.data) if (x > FOREGROUND_LEVEL) c++;
  return c / s.data.length;
}

/**
 * Turns a volume into square training slices along every anatomical plane: reoriented to LPS so each
 * plane looks alike for every source (see `planeSlice`), normalised once per volume (Med-cDiff's
 * per-patient scaling, the same stats for all planes), resampled to square pixels at `size` px across
 * the longer side and padded to a square with -1. A one-slice volume (a 2-D image) gives its one
 * slice as stored, in its own plane. A plane is dropped as a whole when its pixels are too anisotropic,
 * it would be enlarged too much or it is a thin slab seen edge-on; a slice is dropped when too little
 * of the square is foreground.
 */
export function volumeToPlaneSlices(volume: Volume, options: PlaneSliceOptions = {}): { planes: PlaneSlices[]; stats: NormalizationStats; oriented: Volume } {
  const o = { ...DEFAULT_PLANE_SLICE_OPTIONS, ...options };
  if (!Number.isInteger(o.size) || o.size < 8) throw new InvalidArgumentError('volumeToPlaneSlices', `size must be an integer of at least 8, got ${o.size}`);
  if (!(o.maxUpsampling > 0) || !(o.maxAnisotropy >= 1)) throw new InvalidArgumentError('volumeToPlaneSlices', `maxUpsampling must be positive and maxAnisotropy at least 1, got ${o.maxUpsampling} and ${o.maxAnisotropy}`);
  if (o.maxSlicesPerPlane !== undefined && !(Number.isInteger(o.maxSlicesPerPlane) && o.maxSlicesPerPlane > 0)) throw new InvalidArgumentError('volumeToPlaneSlices', `maxSlicesPerPlane must be a positive integer, got ${o.maxSlicesPerPlane}`);
  const twoD = volume.shape[0] === 1;
  // A 2-D image is used as stored (files store slices in display order); a volume is reoriented first.
  let oriented = twoD ? volume : reorientToLPS(volume);
  if (o.floor !== undefined) {
    const floor = o.floor;
    oriented = { ...oriented, data: oriented.data.map((x) => (x < floor ? floor : x)) };
  }
  const stats = computeNormalization(oriented.data, o.normalize);
  const normed: Volume = { ...oriented, data: applyNormalization(oriented.data, stats, o.normalize?.clip ?? true) };
  const plan: { plane: SlicePlane; count: number; cut: (k: number) => PlaneSlice }[] = twoD
    ? [{ plane: o.plane2d ?? planeOfNormal(volume.geometry.direction), count: 1, cut: () => planeSlice(normed, 'axial', 0) }]
    : (o.planes ?? SLICE_PLANES).map((plane) => ({ plane, count: planeSliceCount(normed, plane), cut: (k: number) => planeSlice(normed, plane, k) }));
  const planes = plan.map(({ plane, count, cut }): PlaneSlices => {
    const probe = cut(0);
    const fit = planSquareFit(probe.rows, probe.cols, probe.spacing, o.size);
    const base = { plane, available: count, nativeSize: [probe.rows, probe.cols] as const, spacing: probe.spacing };
    const drop = (why: string): PlaneSlices => ({ ...base, indices: [], slices: [], droppedBecause: why });
    if (fit.anisotropy > o.maxAnisotropy) return drop(`pixels of ${probe.spacing.map((s) => s.toFixed(2)).join(' x ')} mm are ${fit.anisotropy.toFixed(1)} times longer than wide (max ${o.maxAnisotropy})`);
    if (fit.upsampling > o.maxUpsampling + 1e-9) return drop(`${probe.rows}x${probe.cols} slices would be enlarged ${fit.upsampling.toFixed(2)} times to ${o.size} px (max ${o.maxUpsampling})`);
    const extent = Math.min(fit.rows, fit.cols) / o.size;
    if (extent < o.minExtent) return drop(`${probe.rows}x${probe.cols} slices of ${probe.spacing.map((s) => s.toFixed(2)).join(' x ')} mm fill ${Math.round(extent * 100)} % of the square across (min ${Math.round(o.minExtent * 100)} %)`);
    const cuts = Array.from({ length: count }, (_, k) => (k === 0 ? probe : cut(k)));
    // Foreground as a fraction of the output square: the content covers only `fill` of it.
    const foreground = cuts.map((s) => foregroundFraction(s) * fit.fill);
    const indices = chooseSlices(foreground, o.minForeground, o.maxSlicesPerPlane ?? count);
    const slices = indices.map((k) => fitSquare(cuts[k]!.data, cuts[k]!.rows, cuts[k]!.cols, cuts[k]!.spacing, o.size));
    return { ...base, indices, slices };
  });
  return { planes, stats, oriented };
}
