import { ConfigError, mixSeed } from '@meddiff/diffusion-core';
import { applyNormalization, computeNormalization } from '@meddiff/imaging';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { chooseAnatomySlices, type Anatomy } from './anatomy';
import { seededRandom } from './random';
import { simulateSlice } from './render';
import { augmentTissueMaps, squareTissueMaps } from './tissueMapsGeometry';
import { DEFAULT_SUBJECT_RANGES, drawVirtualSubject, type VirtualSubject, type VirtualSubjectRanges } from './virtualSubject';

/** How many paired slices to render from one anatomy, and how. */
export interface SimulationPlan {
  /** Side of the square output slices. */
  size: number;
  /** Axial slices taken from the anatomy (evenly spaced among those with brain). */
  slicesPerSubject: number;
  /** Virtual subjects rendered per anatomy: each draws its own tissue properties, noise and bias. */
  virtualSubjects: number;
  modalities: SimulatedModality[];
  seed: number;
  subjectRanges: VirtualSubjectRanges;
  /** Random left-right mirroring and whole-pixel shifts of up to maxShift pixels, per rendered slice. */
  augment: { flip: boolean; maxShift: number };
  /** Each rendered contrast of each slice is mapped to [-1, 1] by these percentiles. */
  normalization: { lowPercentile: number; highPercentile: number };
}

export function defaultSimulationPlan(overrides: Partial<SimulationPlan> = {}): SimulationPlan {
  const size = overrides.size ?? 64;
  const plan: SimulationPlan = {
    size,
    slicesPerSubject: 24,
    virtualSubjects: 6,
    modalities: [...SIMULATED_MODALITIES],
    seed: 0,
    subjectRanges: structuredClone(DEFAULT_SUBJECT_RANGES) as VirtualSubjectRanges,
    augment: { flip: true, maxShift: Math.round(size / 16) },
    normalization: { lowPercentile: 0.5, highPercentile: 99.5 },
    ...overrides,
  };
  validateSimulationPlan(plan);
  return plan;
}

export function validateSimulationPlan(p: SimulationPlan): void {
  if (!Number.isInteger(p.size) || p.size < 16) throw new ConfigError(`The simulated slice size must be an integer of at least 16, got ${p.size}.`);
  for (const k of ['slicesPerSubject', 'virtualSubjects'] as const) if (!Number.isInteger(p[k]) || p[k] < 1) throw new ConfigError(`${k} must be a positive integer, got ${p[k]}.`);
  if (!p.modalities.length || p.modalities.some((m) => !SIMULATED_MODALITIES.includes(m))) throw new ConfigError(`modalities must be among ${SIMULATED_MODALITIES.join(', ')}, got ${p.modalities.join(', ')}.`);
  if (!Number.isInteger(p.augment.maxShift) || p.augment.maxShift < 0 || p.augment.maxShift >= p.size / 2) throw new ConfigError(`augment.maxShift must be an integer in [0, ${p.size / 2}), got ${p.augment.maxShift}.`);
}

/** A stable number from a subject id, so each anatomy's virtual subjects have their own seeds. */
function idHash(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface SimulatedSlices {
  /** [count, channels, size, size], each channel of each slice in [-1, 1]. */
  data: Float32Array;
  count: number;
  channels: SimulatedModality[];
  virtualSubjects: VirtualSubject[];
  /** The anatomy's slice indices used. */
  sliceIndices: number[];
}

/**
 * Renders `virtualSubjects x slicesPerSubject` co-registered multi-contrast slices from one
 * anatomy: per virtual subject a tissue-property draw, noise and bias levels; per slice a random
 * flip and shift of the tissue maps, then every contrast from the same maps.
 */
export function simulateAnatomy(anatomy: Anatomy, plan: SimulationPlan): SimulatedSlices {
  validateSimulationPlan(plan);
  const ks = chooseAnatomySlices(anatomy, plan.slicesPerSubject);
  const squared = ks.map((k) => squareTissueMaps(anatomy.sliceMaps(k), plan.size));
  const channels = plan.modalities;
  const n = plan.size * plan.size;
  const count = plan.virtualSubjects * ks.length;
  const data = new Float32Array(count * channels.length * n);
  const base = mixSeed(plan.seed, idHash(anatomy.subject));
  const subjects: VirtualSubject[] = [];
  let at = 0;
  for (let v = 0; v < plan.virtualSubjects; v++) {
    const subject = drawVirtualSubject(mixSeed(base, v), plan.subjectRanges);
    subjects.push(subject);
    squared.forEach((maps, s) => {
      const seed = mixSeed(subject.seed, s + 1);
      const aug = seededRandom(mixSeed(seed, 7));
      const shift = plan.augment.maxShift;
      const moved = augmentTissueMaps(maps, {
        flip: plan.augment.flip && aug.uniform() < 0.5,
        shiftRows: Math.round(aug.between(-shift, shift)),
        shiftCols: Math.round(aug.between(-shift, shift)),
      });
      const images = simulateSlice(moved, subject, channels, seed);
      channels.forEach((m) => {
        const img = images[m]!;
        data.set(applyNormalization(img, computeNormalization(img, plan.normalization)), at);
        at += n;
      });
    });
  }
  return { data, count, channels: [...channels], virtualSubjects: subjects, sliceIndices: ks };
}
