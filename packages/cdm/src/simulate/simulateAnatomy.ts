import { ConfigError, mixSeed } from '@meddiff/diffusion-core';
import { applyNormalization, computeNormalization } from '@meddiff/imaging';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { acquiredSize, coarsenTissueMaps, interpolateToOutput, slabSlices, slabTissueMaps } from './acquisition';
import { chooseAnatomySlices, type Anatomy } from './anatomy';
import type { SplitName } from './protocolCells';
import { drawProtocolSubject, validateProtocolPlan, type ProtocolPlan } from './protocolSubject';
import { seededRandom } from './random';
import { simulateSlice } from './render';
import type { TissueMaps } from './segment';
import { CONTRAST_PRESETS } from './sequences';
import { augmentTissueMaps, squareTissueMaps } from './tissueMapsGeometry';
import { DEFAULT_SUBJECT_RANGES, drawVirtualSubject, type VirtualSubject, type VirtualSubjectRanges } from './virtualSubject';

/** How many paired slices to render from one anatomy, and how. */
export interface SimulationPlan {
  /** Side of the square output slices. */
  size: number;
  /** Axial slices rendered per virtual subject (evenly spaced among those with brain; fewer if the anatomy has fewer). */
  slicesPerSubject: number;
  /**
   * Absent: every virtual subject renders the same slicesPerSubject slices. Set: that many evenly
   * spaced candidate slices, of which each virtual subject takes an evenly spaced subset of
   * slicesPerSubject, the subsets rotating between subjects (more subjects, hence protocols, for the
   * same number of slices, without losing anatomical coverage).
   */
  slicePool?: number;
  /** Virtual subjects rendered per anatomy: each draws its own tissue properties, noise and bias. */
  virtualSubjects: number;
  modalities: SimulatedModality[];
  seed: number;
  subjectRanges: VirtualSubjectRanges;
  /** Random left-right mirroring and whole-pixel shifts of up to maxShift pixels, per rendered slice. */
  augment: { flip: boolean; maxShift: number };
  /** Each rendered contrast of each slice is mapped to [-1, 1] by these percentiles. */
  normalization: { lowPercentile: number; highPercentile: number };
  /**
   * Absent: every subject is scanned with the fixed protocols (CONTRAST_PRESETS) at 1.5 T, BrainWeb's
   * tissue table, one anatomy slice at the output grid (the `cdm-sim-*` datasets). Present: each
   * subject draws its field strength, tissue properties, acquisition geometry and protocols
   * (protocolSubject.ts), the protocols from the cells of the anatomy's split.
   */
  protocols?: ProtocolPlan;
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
  if (p.slicePool !== undefined && (!Number.isInteger(p.slicePool) || p.slicePool < p.slicesPerSubject)) throw new ConfigError(`slicePool must be an integer of at least slicesPerSubject (${p.slicesPerSubject}), got ${p.slicePool}.`);
  if (!p.modalities.length || p.modalities.some((m) => !SIMULATED_MODALITIES.includes(m))) throw new ConfigError(`modalities must be among ${SIMULATED_MODALITIES.join(', ')}, got ${p.modalities.join(', ')}.`);
  if (!Number.isInteger(p.augment.maxShift) || p.augment.maxShift < 0 || p.augment.maxShift >= p.size / 2) throw new ConfigError(`augment.maxShift must be an integer in [0, ${p.size / 2}), got ${p.augment.maxShift}.`);
  if (p.protocols) validateProtocolPlan(p.protocols);
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
  /** The anatomy's slice indices used (by some virtual subject; `slices` says which). */
  sliceIndices: number[];
  /** Per rendered slice, in order: its virtual subject (index), anatomy slice and augmentation. */
  slices: Array<{ virtualSubject: number; anatomySlice: number; flip: boolean; shift: [number, number] }>;
}

/**
 * Renders `virtualSubjects x slicesPerSubject` co-registered multi-contrast slices from one
 * anatomy: per virtual subject a tissue-property draw, noise and bias levels; per slice a random
 * flip and shift of the tissue maps, then every contrast from the same maps.
 */
export function simulateAnatomy(anatomy: Anatomy, plan: SimulationPlan, split: SplitName = 'train'): SimulatedSlices {
  validateSimulationPlan(plan);
  const ks = chooseAnatomySlices(anatomy, plan.slicePool ?? plan.slicesPerSubject);
  const perSubject = Math.min(plan.slicesPerSubject, ks.length);
  // Positions in ks of subject v's slices: all of them without a pool, else every stride-th from a rotating offset.
  const stride = Math.max(1, Math.floor(ks.length / perSubject));
  const positions = (v: number) => Array.from({ length: perSubject }, (_, j) => (plan.slicePool === undefined ? j : ((v % stride) + j * stride) % ks.length));
  // Squared maps per (slab thickness in anatomy slices, slice): subjects that share a thickness share them.
  const squaredCache = new Map<string, TissueMaps>();
  const squared = (s: number, slab: number) => {
    const key = `${slab}:${s}`;
    let m = squaredCache.get(key);
    if (!m) squaredCache.set(key, (m = squareTissueMaps(slabTissueMaps(anatomy, ks[s]!, slab), plan.size)));
    return m;
  };
  const channels = plan.modalities;
  const n = plan.size * plan.size;
  const count = plan.virtualSubjects * perSubject;
  const data = new Float32Array(count * channels.length * n);
  const base = mixSeed(plan.seed, idHash(anatomy.subject));
  const subjects: VirtualSubject[] = [];
  const slices: SimulatedSlices['slices'] = [];
  let at = 0;
  for (let v = 0; v < plan.virtualSubjects; v++) {
    const seed = mixSeed(base, v);
    const subject = plan.protocols ? drawProtocolSubject(seed, split, plan.protocols, plan.subjectRanges) : drawVirtualSubject(seed, plan.subjectRanges);
    subjects.push(subject);
    const acq = subject.acquisition;
    const slab = acq ? slabSlices(anatomy, acq.sliceThicknessMm) : 1;
    const acquired = acq ? acquiredSize(plan.size, acq.resolutionScale) : plan.size;
    positions(v).forEach((s, j) => {
      const k = ks[s]!;
      // Without a pool, s === j: the seeds are what they always were.
      const seed = mixSeed(subject.seed, j + 1);
      const aug = seededRandom(mixSeed(seed, 7));
      const shift = plan.augment.maxShift;
      const o = {
        flip: plan.augment.flip && aug.uniform() < 0.5,
        shiftRows: Math.round(aug.between(-shift, shift)),
        shiftCols: Math.round(aug.between(-shift, shift)),
      };
      slices.push({ virtualSubject: v, anatomySlice: k, flip: o.flip, shift: [o.shiftRows, o.shiftCols] });
      const moved = coarsenTissueMaps(augmentTissueMaps(squared(s, slab), o), acquired);
      const images = simulateSlice(moved, subject, channels, seed, subject.contrasts ?? CONTRAST_PRESETS);
      channels.forEach((m) => {
        const img = interpolateToOutput(images[m]!, acquired, plan.size);
        data.set(applyNormalization(img, computeNormalization(img, plan.normalization)), at);
        at += n;
      });
    });
  }
  return { data, count, channels: [...channels], virtualSubjects: subjects, sliceIndices: ks, slices };
}
