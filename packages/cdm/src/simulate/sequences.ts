import { ConfigError } from '@meddiff/diffusion-core';
import type { SimulatedModality } from '../modalities';
import { TISSUE_TABLE, type Tissue, type TissueProperties } from './tissues';

/** Spin echo: S = PD (1 - e^(-TR/T1)) e^(-TE/T2). Times in ms. */
export interface SpinEcho {
  kind: 'spin-echo';
  tr: number;
  te: number;
}

/**
 * Inversion recovery (a 180-degree pulse TI before a spin echo):
 * S = PD |1 - 2 e^(-TI/T1) + e^(-TR/T1)| e^(-TE/T2), the magnitude as scanners reconstruct it.
 * `ti: 'null-csf'` chooses the TI at which CSF (at its nominal T1) has no signal, as FLAIR does.
 */
export interface InversionRecovery {
  kind: 'inversion-recovery';
  tr: number;
  te: number;
  ti: number | 'null-csf';
}

/**
 * Spoiled gradient echo (FLASH, SPGR; Haase et al. 1986): the steady state with transverse coherence
 * destroyed before each pulse, S = PD sin(a) (1 - E1) / (1 - cos(a) E1) e^(-TE/T2*), E1 = e^(-TR/T1)
 * (the Ernst equation times the T2* decay; Ernst and Anderson 1966). No refocusing pulse, so the echo
 * decays with T2*, not T2: T2* = 1 / (1/T2 + R2'), see `effectiveT2`.
 */
export interface SpoiledGradientEcho {
  kind: 'spoiled-gradient-echo';
  tr: number;
  te: number;
  /** Flip angle, degrees. */
  flip: number;
}

export type Sequence = SpinEcho | InversionRecovery | SpoiledGradientEcho;
export type SequenceKind = Sequence['kind'];

/**
 * Gadolinium: 1/T1' = 1/T1 + r1 C (r1 in 1/(mM s), C in mM). With an intact blood-brain barrier,
 * brain tissue and CSF take up none; tissues outside it (here muscle and skin) do.
 */
export interface ContrastAgent {
  relaxivity: number;
  concentration: Partial<Record<Tissue, number>>;
}

export interface ContrastSpec {
  sequence: Sequence;
  contrastAgent?: ContrastAgent;
  description: string;
}

/**
 * Typical 1.5 T clinical protocols. T1ce is the T1-weighted protocol after gadolinium with
 * Gd-DTPA's relaxivity in plasma at 1.5 T (r1 = 4.1 / (mM s), Rohrer et al. 2005) and a tissue
 * concentration of 0.15 mM in muscle and skin: no tumour, vessel or choroid plexus is modelled,
 * so inside the brain it equals the T1-weighted image. See the README.
 */
export const CONTRAST_PRESETS: Readonly<Record<SimulatedModality, ContrastSpec>> = Object.freeze({
  T1: { sequence: { kind: 'spin-echo', tr: 500, te: 12 }, description: 'T1-weighted spin echo, TR 500 ms, TE 12 ms' },
  T2: { sequence: { kind: 'spin-echo', tr: 4000, te: 100 }, description: 'T2-weighted spin echo, TR 4000 ms, TE 100 ms' },
  PD: { sequence: { kind: 'spin-echo', tr: 3000, te: 30 }, description: 'proton-density-weighted spin echo, TR 3000 ms, TE 30 ms' },
  FLAIR: { sequence: { kind: 'inversion-recovery', tr: 9000, te: 120, ti: 'null-csf' }, description: 'FLAIR: inversion recovery, TR 9000 ms, TE 120 ms, TI nulling CSF (about 1700 ms)' },
  T1ce: {
    sequence: { kind: 'spin-echo', tr: 500, te: 12 },
    contrastAgent: { relaxivity: 4.1, concentration: { muscle: 0.15 } },
    description: 'T1-weighted spin echo after gadolinium (TR 500 ms, TE 12 ms; enhancing muscle and skin only)',
  },
} satisfies Record<SimulatedModality, ContrastSpec>);

/** The TI that nulls a tissue of longitudinal relaxation `t1` with repetition time `tr`: 1 - 2 e^(-TI/T1) + e^(-TR/T1) = 0. */
export function nullingInversionTime(t1: number, tr: number): number {
  return t1 * Math.log(2 / (1 + Math.exp(-tr / t1)));
}

export function inversionTime(seq: InversionRecovery): number {
  return seq.ti === 'null-csf' ? nullingInversionTime(TISSUE_TABLE.csf.nominal.t1, seq.tr) : seq.ti;
}

export function validateSequence(seq: Sequence): void {
  if (!(seq.tr > 0 && seq.te > 0 && seq.te < seq.tr)) throw new ConfigError(`A sequence needs 0 < TE < TR, got TR ${seq.tr} ms, TE ${seq.te} ms.`);
  if (seq.kind === 'inversion-recovery' && seq.ti !== 'null-csf' && !(seq.ti > 0 && seq.ti < seq.tr)) throw new ConfigError(`TI must be in (0, TR), got ${seq.ti} ms.`);
  if (seq.kind === 'spoiled-gradient-echo' && !(seq.flip > 0 && seq.flip <= 90)) throw new ConfigError(`A spoiled gradient echo needs a flip angle in (0, 90] degrees, got ${seq.flip}.`);
}

/**
 * T2*: 1/T2* = 1/T2 + R2', R2' (per second) the reversible dephasing by mesoscopic field
 * inhomogeneity, which a spin echo refocuses and a gradient echo does not. Times in ms.
 */
export function effectiveT2(t2: number, r2Prime = 0): number {
  return r2Prime > 0 ? 1 / (1 / t2 + r2Prime / 1000) : t2;
}

/** Signal of one tissue with properties `p` (the per-voxel values after spatial variation). */
export function tissueSignal(seq: Sequence, p: TissueProperties, ti = seq.kind === 'inversion-recovery' ? inversionTime(seq) : 0): number {
  if (p.pd <= 0) return 0;
  const recovery = Math.exp(-seq.tr / p.t1);
  const decay = seq.kind === 'spoiled-gradient-echo' ? 1 : Math.exp(-seq.te / p.t2);
  if (seq.kind === 'spin-echo') return p.pd * (1 - recovery) * decay;
  if (seq.kind === 'spoiled-gradient-echo') {
    const a = (seq.flip * Math.PI) / 180;
    return (p.pd * Math.sin(a) * (1 - recovery) * Math.exp(-seq.te / effectiveT2(p.t2, p.r2Prime))) / (1 - Math.cos(a) * recovery);
  }
  return p.pd * Math.abs(1 - 2 * Math.exp(-ti / p.t1) + recovery) * decay;
}

/** T1 shortened by a contrast agent at concentration `mM`: 1/T1' = 1/T1 + r1 C (T1 in ms, r1 per mM per s). */
export function enhancedT1(t1: number, relaxivity: number, mM: number): number {
  return mM > 0 ? 1 / (1 / t1 + (relaxivity * mM) / 1000) : t1;
}
