import { ConfigError } from '@meddiff/diffusion-core';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { seededRandom, type Random } from './random';
import { smoothRandomField } from './randomField';
import type { TissueMaps } from './segment';
import { CONTRAST_PRESETS, enhancedT1, inversionTime, tissueSignal, validateSequence, type ContrastSpec } from './sequences';
import { TISSUES, type TissueProperties } from './tissues';
import type { VirtualSubject } from './virtualSubject';

/** Smooth fields of one slice: relative variation of T1, T2 and PD, and the bias field's exponent (unit standard deviation). */
export interface SliceFields {
  t1: Float32Array;
  t2: Float32Array;
  pd: Float32Array;
  bias: Float32Array;
}

export function drawSliceFields(rows: number, cols: number, random: Random): SliceFields {
  return {
    t1: smoothRandomField(rows, cols, random.fork(1), 4),
    t2: smoothRandomField(rows, cols, random.fork(2), 4),
    pd: smoothRandomField(rows, cols, random.fork(3), 4),
    // The receive field varies slowly across the head.
    bias: smoothRandomField(rows, cols, random.fork(4), 1),
  };
}

/** The brightest tissue's signal for this subject and contrast: the reference for the noise level. */
function brightestSignal(subject: VirtualSubject, contrast: ContrastSpec): number {
  let best = 0;
  for (const t of TISSUES) best = Math.max(best, tissueSignal(contrast.sequence, withAgent(subject.tissues[t], t, contrast)));
  return best;
}

function withAgent(p: TissueProperties, tissue: (typeof TISSUES)[number], contrast: ContrastSpec): TissueProperties {
  const agent = contrast.contrastAgent;
  const mM = agent?.concentration[tissue] ?? 0;
  return mM > 0 ? { ...p, t1: enhancedT1(p.t1, agent!.relaxivity, mM) } : p;
}

/**
 * Renders one contrast of a slice (BrainWeb's approach, Kwan et al. 1999): per pixel, the sum over
 * tissues of membership x signal equation at the tissue's T1, T2 and PD times (1 + variability x
 * field); then the multiplicative bias field; then Rician noise, the magnitude of the signal plus
 * complex Gaussian noise (Gudbjartsson and Patz 1995). Values are in arbitrary signal units
 * (PD = 1 fully relaxed water is 1).
 */
export function renderContrast(maps: TissueMaps, subject: VirtualSubject, contrast: ContrastSpec, fields: SliceFields, noise: Random): Float32Array {
  validateSequence(contrast.sequence);
  const n = maps.rows * maps.cols;
  for (const f of [fields.t1, fields.t2, fields.pd, fields.bias]) if (f.length !== n) throw new ConfigError(`renderContrast: a field has ${f.length} values for a ${maps.rows} x ${maps.cols} slice.`);
  const seq = contrast.sequence;
  const ti = seq.kind === 'inversion-recovery' ? inversionTime(seq) : 0;
  const tissues = TISSUES.filter((t) => subject.tissues[t].pd > 0).map((t) => ({ u: maps.memberships[t], p: withAgent(subject.tissues[t], t, contrast) }));
  const v = subject.variability;
  const sigma = subject.noiseLevel * brightestSignal(subject, contrast);
  const out = new Float32Array(n);
  const local: TissueProperties = { t1: 0, t2: 0, pd: 0, r2Prime: 0 };
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const { u, p } of tissues) {
      const w = u[i]!;
      if (w <= 0) continue;
      local.t1 = p.t1 * (1 + v * fields.t1[i]!);
      local.t2 = p.t2 * (1 + v * fields.t2[i]!);
      local.pd = p.pd * (1 + v * fields.pd[i]!);
      local.r2Prime = p.r2Prime ?? 0;
      s += w * tissueSignal(seq, local, ti);
    }
    // About +-2 standard deviations of the field span exp(+-level/2).
    s *= Math.exp((subject.biasLevel / 4) * fields.bias[i]!);
    const re = s + sigma * noise.normal();
    const im = sigma * noise.normal();
    out[i] = Math.sqrt(re * re + im * im);
  }
  return out;
}

/**
 * Renders the asked contrasts of one slice for one virtual subject. `seed` fixes the slice's
 * fields and noise; each contrast draws its noise from its own stream, and all share the
 * subject's tissue draw and the slice's bias field (one session, one receive coil).
 */
export function simulateSlice(maps: TissueMaps, subject: VirtualSubject, modalities: readonly SimulatedModality[], seed: number, contrasts: Readonly<Record<SimulatedModality, ContrastSpec>> = CONTRAST_PRESETS): Record<string, Float32Array> {
  const random = seededRandom(seed);
  const fields = drawSliceFields(maps.rows, maps.cols, random.fork(1));
  const out: Record<string, Float32Array> = {};
  for (const m of modalities) {
    const index = SIMULATED_MODALITIES.indexOf(m);
    if (index < 0) throw new ConfigError(`The simulator renders ${SIMULATED_MODALITIES.join(', ')}; '${m}' is not one of them.`);
    out[m] = renderContrast(maps, subject, contrasts[m], fields, random.fork(100 + index));
  }
  return out;
}
