import type { SimulatedModality } from '../modalities';
import type { SequenceKind } from './sequences';

/**
 * The protocols a virtual subject is scanned with: per contrast, the sequence variants real brain
 * protocols use and the range of each free parameter. Every variant keeps its contrast's character
 * over its whole range (checked per subject by contrastCharacter.ts, tested for thousands of draws).
 *
 * The ranges bracket routine clinical brain protocols at 1.5 T and 3 T (spin-echo and turbo-spin-echo
 * T1, T2 and PD; 3-D spoiled gradient echo; FLAIR and T1-FLAIR by inversion recovery) and contain
 * BrainWeb's own sequences (Kwan, Evans and Pike 1999): T1 spoiled FLASH TR 18 ms, TE 10 ms, 30
 * degrees; T2 and PD dual spin echo TR 3300 ms, TE 120 and 35 ms. Inversion times are not free: they
 * are a factor around the TI that nulls CSF at the drawn TR (FLAIR; Hajnal et al. 1992), planned with
 * a textbook CSF T1 (relaxometry.ts), which is how an operator sets them. T1ce is scanned with the
 * subject's T1 protocol (a pre- and post-contrast pair uses one sequence), so it has no ranges here.
 */
export const PROTOCOL_PARAMETERS = ['tr', 'te', 'flip', 'tiFactor'] as const;
export type ProtocolParameter = (typeof PROTOCOL_PARAMETERS)[number];

export interface ParameterAxis {
  name: ProtocolParameter;
  /** ms for tr and te, degrees for flip, a ratio to the CSF-nulling TI for tiFactor. */
  range: readonly [number, number];
}

export interface SequenceVariant {
  /** The sequence family (sequences.ts). */
  kind: SequenceKind;
  axes: readonly ParameterAxis[];
  description: string;
}

/** Contrasts with their own protocols (T1ce reuses T1's). */
export const PROTOCOL_CONTRASTS = ['T1', 'T2', 'PD', 'FLAIR'] as const satisfies readonly SimulatedModality[];
export type ProtocolContrast = (typeof PROTOCOL_CONTRASTS)[number];

const axis = (name: ProtocolParameter, low: number, high: number): ParameterAxis => ({ name, range: [low, high] });

export const PROTOCOL_RANGES: Readonly<Record<ProtocolContrast, readonly SequenceVariant[]>> = Object.freeze({
  T1: [
    { kind: 'spin-echo', axes: [axis('tr', 400, 750), axis('te', 8, 20)], description: 'T1-weighted (turbo) spin echo: short TR, short TE' },
    { kind: 'spoiled-gradient-echo', axes: [axis('tr', 10, 30), axis('te', 3, 10), axis('flip', 20, 40)], description: '3-D spoiled gradient echo (FLASH/SPGR), T1-weighted by a flip angle above the Ernst angle' },
    { kind: 'inversion-recovery', axes: [axis('tr', 1800, 2600), axis('te', 8, 20), axis('tiFactor', 0.85, 1.1)], description: 'T1-FLAIR: inversion recovery with a short TR, TI near the CSF null (about 0.8-1 s)' },
  ],
  T2: [{ kind: 'spin-echo', axes: [axis('tr', 3000, 6000), axis('te', 80, 130)], description: 'T2-weighted (turbo) spin echo: long TR, long TE' }],
  PD: [
    { kind: 'spin-echo', axes: [axis('tr', 2000, 4000), axis('te', 10, 35)], description: 'proton-density-weighted (turbo) spin echo: long TR, short TE' },
    { kind: 'spoiled-gradient-echo', axes: [axis('tr', 15, 30), axis('te', 3, 6), axis('flip', 3, 8)], description: '3-D spoiled gradient echo with a flip angle well below the Ernst angle (PD-weighted)' },
  ],
  FLAIR: [{ kind: 'inversion-recovery', axes: [axis('tr', 8000, 11000), axis('te', 80, 140), axis('tiFactor', 0.92, 1.08)], description: 'FLAIR: inversion recovery with a long TR and TI nulling CSF (about 2.2-2.6 s)' }],
});

/** A variant by name, e.g. 'T1/spoiled-gradient-echo' (for options such as held-out variants). */
export type VariantId = `${ProtocolContrast}/${SequenceKind}`;

export function variantIds(): VariantId[] {
  return PROTOCOL_CONTRASTS.flatMap((c) => PROTOCOL_RANGES[c].map((v) => `${c}/${v.kind}` as VariantId));
}
