import { ConfigError, mixSeed } from '@meddiff/diffusion-core';
import { applyNormalization, computeNormalization } from '@meddiff/imaging';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { acquiredSize, coarsenTissueMaps, interpolateToOutput, slabSlices, slabTissueMaps } from './acquisition';
import { chooseAnatomySlices, type Anatomy } from './anatomy';
import type { SplitName } from './protocolCells';
import { drawProtocolSubject, validateProtocolPlan, type ProtocolPlan } from './protocolSubject';
import { seededRandom, type Random } from './random';
import { smoothRandomField } from './randomField';
import { simulateSlice } from './render';
import type { TissueMaps } from './segment';
import { CONTRAST_PRESETS } from './sequences';
import { squareTissueMaps, warpTissueMaps, type SliceWarp } from './tissueMapsGeometry';
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
  /**
   * Random left-right mirroring and whole-pixel shifts of up to maxShift pixels, per rendered slice;
   * with `deformation`, training slices (only) are also reshaped, so that few real anatomies give
   * many shapes of head and brain.
   */
  augment: { flip: boolean; maxShift: number; deformation?: AnatomyDeformation };
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

/** Bounds of the per-slice anatomy deformation of training slices. */
export interface AnatomyDeformation {
  /** Rotation drawn uniformly in +-rotationDegrees. */
  rotationDegrees: number;
  /** Scale along each axis drawn uniformly in 1 +- scale (independently: heads differ in shape, not only size). */
  scale: number;
  /** Standard deviation of a smooth random displacement (up to 2 cycles per field of view), as a fraction of the slice's side. */
  elastic: number;
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
  const d = p.augment.deformation;
  if (d && !(d.rotationDegrees >= 0 && d.rotationDegrees <= 45 && d.scale >= 0 && d.scale < 0.5 && d.elastic >= 0 && d.elastic <= 0.1)) {
    throw new ConfigError(`augment.deformation must have rotationDegrees in [0, 45], scale in [0, 0.5) and elastic in [0, 0.1], got ${JSON.stringify(d)}.`);
  }
  if (p.protocols) validateProtocolPlan(p.protocols);
}

/** Draws one training slice's deformation (the random stream is the slice's own, forked from its flip and shift). */
function drawDeformation(d: AnatomyDeformation, random: Random, rows: number, cols: number): Required<Pick<SliceWarp, 'rotation' | 'scale' | 'displacement'>> {
  const rotation = (random.between(-d.rotationDegrees, d.rotationDegrees) * Math.PI) / 180;
  const scale = [1 + random.between(-d.scale, d.scale), 1 + random.between(-d.scale, d.scale)] as const;
  const field = (stream: number) => smoothRandomField(rows, cols, random.fork(stream), 2).map((v) => v * d.elastic * Math.max(rows, cols));
  return { rotation, scale, displacement: { rows: field(1), cols: field(2) } };
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
  slices: Array<{ virtualSubject: number; anatomySlice: number; flip: boolean; shift: [number, number]; deformation?: { rotationDegrees: number; scale: [number, number] } }>;
}

/**
 * Renders `virtualSubjects x slicesPerSubject` co-registered multi-contrast slices from one
 * anatomy: per virtual subject a tissue-property draw, noise and bias levels; per slice a random
 * flip and shift of the tissue maps (and in the training split, with augment.deformation, a random
 * rotation, scale and smooth displacement), then every contrast from the same maps.
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
      const w: SliceWarp = {
        flip: plan.augment.flip && aug.uniform() < 0.5,
        shiftRows: Math.round(aug.between(-shift, shift)),
        shiftCols: Math.round(aug.between(-shift, shift)),
      };
      const deform = split === 'train' ? plan.augment.deformation : undefined;
      if (deform) Object.assign(w, drawDeformation(deform, aug.fork(11), plan.size, plan.size));
      slices.push({
        virtualSubject: v,
        anatomySlice: k,
        flip: w.flip,
        shift: [w.shiftRows, w.shiftCols],
        ...(w.scale ? { deformation: { rotationDegrees: ((w.rotation ?? 0) * 180) / Math.PI, scale: [w.scale[0], w.scale[1]] } } : {}),
      });
      const moved = coarsenTissueMaps(warpTissueMaps(squared(s, slab), w), acquired);
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
