import type { ImageGeometry, Volume } from '@meddiff/imaging';
import { SimulationError } from '../errors';
import { brainFraction, emptyTissueMaps, segmentT1, sliceTissueMaps, type SegmentOptions, type TissueMaps } from './segment';

/**
 * Where simulated images get their anatomy: fuzzy tissue maps per axial slice of one real
 * subject. Slices of one source subject must all land in one split.
 */
export interface Anatomy {
  /** The person (or template) scanned; e.g. 'colin27'. */
  subject: string;
  description: string;
  /** Number of axial slices. */
  depth: number;
  /** The anatomy's grid (LPS): where its slices lie in the world. */
  geometry: ImageGeometry;
  /** [rows, cols] of a slice. */
  sliceShape: readonly [number, number];
  sliceMaps(k: number): TissueMaps;
  /** Share of the slice inside the brain, to choose slices with anatomy. */
  brainFraction(k: number): number;
}

/** Anatomy from a T1-weighted volume in LPS order (reorientToLPS first), segmented into tissues. */
export function anatomyFromT1(volume: Volume, subject: string, options: SegmentOptions = {}): Anatomy {
  const seg = segmentT1(volume, options);
  return {
    subject,
    description: volume.source.description ?? volume.source.files[0] ?? subject,
    depth: volume.shape[0],
    geometry: volume.geometry,
    sliceShape: [volume.shape[1], volume.shape[2]],
    sliceMaps: (k) => sliceTissueMaps(seg, k),
    brainFraction: (k) => brainFraction(seg, k),
  };
}

/**
 * Anatomy from tissue probability maps (CSF, GM, WM on one grid, LPS order), e.g. the MNI-space
 * maps shipped with nipype: the memberships are given, the rest is background (no head).
 */
export function anatomyFromProbabilityMaps(csf: Volume, gm: Volume, wm: Volume, subject: string, description: string): Anatomy {
  const [depth, rows, cols] = csf.shape;
  for (const v of [gm, wm]) if (v.shape.join() !== csf.shape.join()) throw new SimulationError(`Tissue probability maps differ in shape: ${csf.shape.join('x')} and ${v.shape.join('x')}.`);
  const n = rows * cols;
  return {
    subject,
    description,
    depth,
    geometry: csf.geometry,
    sliceShape: [rows, cols],
    sliceMaps(k) {
      const maps = emptyTissueMaps(rows, cols);
      const m = maps.memberships;
      for (let p = 0; p < n; p++) {
        const v = k * n + p;
        const c = Math.max(0, csf.data[v]!);
        const g = Math.max(0, gm.data[v]!);
        const w = Math.max(0, wm.data[v]!);
        const sum = c + g + w;
        // Probabilities that add to more than one (interpolation) are scaled back.
        const scale = sum > 1 ? 1 / sum : 1;
        m.csf[p] = c * scale;
        m.gm[p] = g * scale;
        m.wm[p] = w * scale;
        m.background[p] = Math.max(0, 1 - sum * scale);
      }
      return maps;
    },
    brainFraction(k) {
      let s = 0;
      for (let p = k * n; p < (k + 1) * n; p++) s += csf.data[p]! + gm.data[p]! + wm.data[p]! > 0.5 ? 1 : 0;
      return s / n;
    },
  };
}

/** `count` slice indices evenly spaced among those whose brain share is at least `minShare` of the largest. */
export function chooseAnatomySlices(anatomy: Anatomy, count: number, minShare = 0.5): number[] {
  const fractions = Array.from({ length: anatomy.depth }, (_, k) => anatomy.brainFraction(k));
  const max = Math.max(...fractions);
  if (!(max > 0)) throw new SimulationError(`${anatomy.subject}: no slice holds brain tissue.`);
  const ok = fractions.map((f, k) => (f >= minShare * max ? k : -1)).filter((k) => k >= 0);
  if (ok.length <= count) return ok;
  return Array.from({ length: count }, (_, t) => ok[Math.round((t * (ok.length - 1)) / Math.max(1, count - 1))]!);
}
