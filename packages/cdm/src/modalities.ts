import { ConfigError } from '@meddiff/diffusion-core';
import { UnsupportedModalityError } from './errors';

/**
 * An MRI contrast by name. Any name works for a model trained on a user's data; the simulator
 * renders the five in SIMULATED_MODALITIES. Names are matched case-insensitively.
 */
export type Modality = string;

/** Contrasts the simulator renders (see simulate/sequences.ts). */
export const SIMULATED_MODALITIES = ['T1', 'T2', 'PD', 'FLAIR', 'T1ce'] as const;
export type SimulatedModality = (typeof SIMULATED_MODALITIES)[number];

/** Which contrasts a model translates from and to. */
export interface ModalitySetting {
  sources: Modality[];
  targets: Modality[];
}

/**
 * Named settings. `brats` is the paper's BraTS experiment (T1 and T2 to T1ce and FLAIR);
 * `t1-to-t2-flair` is the default on simulated data (one source, two targets);
 * `t1-t2-to-flair-pd` uses two sources; `t1-to-t2` and `t2-to-t1` fill in the one sequence missing,
 * the common clinical case.
 */
export const MODALITY_PRESETS = {
  brats: { sources: ['T1', 'T2'], targets: ['T1ce', 'FLAIR'] },
  't1-to-t2-flair': { sources: ['T1'], targets: ['T2', 'FLAIR'] },
  't1-t2-to-flair-pd': { sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] },
  't1-to-t2': { sources: ['T1'], targets: ['T2'] },
  't2-to-t1': { sources: ['T2'], targets: ['T1'] },
} as const satisfies Record<string, ModalitySetting>;
export type ModalityPresetName = keyof typeof MODALITY_PRESETS;

export function modalityPreset(name: ModalityPresetName): ModalitySetting {
  const p = MODALITY_PRESETS[name];
  if (!p) throw new ConfigError(`Unknown modality preset '${String(name)}'. Allowed: ${Object.keys(MODALITY_PRESETS).join(', ')}.`);
  return { sources: [...p.sources], targets: [...p.targets] };
}

export function sameModality(a: Modality, b: Modality): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The index of `name` in `list`, case-insensitively, or -1. */
export function modalityIndex(list: readonly Modality[], name: Modality): number {
  return list.findIndex((m) => sameModality(m, name));
}

export function validateModalitySetting(s: ModalitySetting): void {
  for (const [field, list] of [['sources', s.sources], ['targets', s.targets]] as const) {
    if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`modalities.${field} must list at least one contrast.`);
    list.forEach((m, i) => {
      if (typeof m !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_+-]*$/.test(m)) throw new ConfigError(`modalities.${field}[${i}] '${String(m)}' is not a valid contrast name (letters, digits, _, + or -).`);
      if (modalityIndex(list, m) !== i) throw new ConfigError(`modalities.${field} lists '${m}' twice.`);
    });
  }
  const both = s.sources.filter((m) => modalityIndex(s.targets, m) >= 0);
  if (both.length) throw new ConfigError(`'${both.join("', '")}' is both a source and a target; a contrast is either given or translated.`);
}

/**
 * Maps the caller's names onto the model's (case-insensitively) and checks them: the exact source
 * set the model was trained with, targets among its targets. Throws UnsupportedModalityError
 * naming what the model does translate.
 */
export function resolveRequest(setting: Readonly<ModalitySetting>, given: readonly Modality[], requested: readonly Modality[]): { sourceOrder: number[]; targetIndices: number[] } {
  const trained = `this model translates ${setting.sources.join(' + ')} to ${setting.targets.join(', ')}`;
  const unknown = given.filter((m) => modalityIndex(setting.sources, m) < 0);
  const missing = setting.sources.filter((m) => modalityIndex(given, m) < 0);
  if (unknown.length || missing.length) {
    const parts = [missing.length ? `missing source ${missing.join(', ')}` : '', unknown.length ? `unexpected source ${unknown.join(', ')}` : ''].filter(Boolean);
    throw new UnsupportedModalityError(`Cannot translate from ${given.join(' + ') || 'no image'}: ${parts.join('; ')}. ${trained[0]!.toUpperCase()}${trained.slice(1)}; give exactly those sources.`);
  }
  if (requested.length === 0) throw new UnsupportedModalityError(`No target asked for; ${trained}.`);
  const targetIndices = requested.map((m) => {
    const i = modalityIndex(setting.targets, m);
    if (i < 0) throw new UnsupportedModalityError(`Cannot translate to '${m}': ${trained}. Train a model with '${m}' among its targets to get it.`);
    return i;
  });
  return { sourceOrder: setting.sources.map((m) => modalityIndex(given, m)), targetIndices };
}
