import { ConfigError } from '@meddiff/diffusion-core';
import { resize2d } from '@meddiff/imaging';
import type { Anatomy } from './anatomy';
import { emptyTissueMaps, type TissueMaps } from './segment';
import { TISSUES } from './tissues';

/**
 * The geometry a virtual subject is scanned with. Clinical brain protocols acquire 2-D slices 3-5 mm
 * thick or 3-D volumes near 1 mm, and in-plane matrices coarser than the reconstructed one (which
 * scanners fill by zero-padding k-space); both blur the anatomy in ways a model meets in real data.
 */
export interface Acquisition {
  /** Through-plane extent of the slice, mm: the tissue memberships of the anatomy's slices within it are averaged. */
  sliceThicknessMm: number;
  /** Output pixels per acquired pixel (>= 1): rendered on a grid of size / scale, then interpolated to the output size. */
  resolutionScale: number;
}

export function validateAcquisition(a: Acquisition): void {
  if (!(a.sliceThicknessMm > 0)) throw new ConfigError(`sliceThicknessMm must be positive, got ${a.sliceThicknessMm}.`);
  if (!(a.resolutionScale >= 1 && a.resolutionScale <= 4)) throw new ConfigError(`resolutionScale must be in [1, 4] (output pixels per acquired pixel), got ${a.resolutionScale}.`);
}

/** How many of the anatomy's slices a slab of `thicknessMm` covers (at least one). */
export function slabSlices(anatomy: Anatomy, thicknessMm: number): number {
  return Math.max(1, Math.round(thicknessMm / anatomy.geometry.spacing[2]));
}

/**
 * Through-plane partial volume: the memberships of `n` neighbouring slices centred on k, averaged
 * (a rectangular slice profile; clamped at the ends of the volume). The signal is linear in the
 * memberships, so this equals averaging the signals of the thin slices before noise.
 */
export function slabTissueMaps(anatomy: Anatomy, k: number, n: number): TissueMaps {
  if (n <= 1) return anatomy.sliceMaps(k);
  const first = k - Math.floor((n - 1) / 2);
  const [rows, cols] = anatomy.sliceShape;
  const out = emptyTissueMaps(rows, cols);
  for (let s = 0; s < n; s++) {
    const maps = anatomy.sliceMaps(Math.min(anatomy.depth - 1, Math.max(0, first + s)));
    for (const t of TISSUES) {
      const src = maps.memberships[t];
      const dst = out.memberships[t];
      for (let i = 0; i < dst.length; i++) dst[i]! += src[i]! / n;
    }
  }
  return out;
}

/** Area-averages square maps to a coarser size x size grid (exact in-plane partial volume). */
export function coarsenTissueMaps(maps: TissueMaps, size: number): TissueMaps {
  if (maps.rows === size && maps.cols === size) return maps;
  const out = emptyTissueMaps(size, size);
  for (const t of TISSUES) out.memberships[t] = resize2d(maps.memberships[t], maps.rows, maps.cols, size, size, 'area');
  return out;
}

/** The acquired grid's side for an output of `size` pixels. */
export function acquiredSize(size: number, scale: number): number {
  return Math.max(8, Math.round(size / scale));
}

/** An image acquired at `from` x `from` interpolated (bilinear, standing in for zero-filled k-space) to `size` x `size`. */
export function interpolateToOutput(image: Float32Array, from: number, size: number): Float32Array {
  return from === size ? image : resize2d(image, from, from, size, size, 'bilinear');
}
