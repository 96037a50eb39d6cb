import { MedDiffError } from '../errors';

/** The schema version this package writes and reads. */
export const MODEL_CARD_VERSION = 1;

/**
 * What every published set of weights says about itself, as the model cards of Hugging Face and
 * MONAI bundles do: name and version, licence, intended use, what input it expects, what it was
 * trained on, what it scored and what changed between versions. Saved in the model's own JSON and
 * checked when the model is saved and when it is loaded.
 */
export interface ModelCard {
  cardVersion: typeof MODEL_CARD_VERSION;
  /** A stable name for these weights, e.g. 'med-cdiff-super-resolution-small'. */
  name: string;
  /** Semantic version of the weights (not of the code). */
  version: string;
  /** SPDX licence of the weights; 'NOASSERTION' when the trainer did not say. */
  license: string;
  intendedUse: string;
  input: InputSpecification;
  /** The data, in words, with its licences. */
  trainedOn: string;
  /** Optimiser steps: a number, or per part for a model of several networks. */
  trainingSteps: number | Record<string, number>;
  /** Measured scores; each names the data it was measured on. */
  metrics: ModelMetric[];
  /** Newest last; the last entry's version is `version`. */
  changelog: ChangelogEntry[];
  [key: string]: unknown;
}

/** What a model expects of its input: the slices it was trained on, described. */
export interface InputSpecification {
  /** DICOM modality codes of the training data, e.g. ['MR', 'CT']. */
  modalities: string[];
  /** Slice planes seen in training after reorientation to LPS, e.g. ['axial', 'coronal']. */
  planes: string[];
  /** In-plane pixel spacing (mm) of the training slices as the network saw them, [finest, coarsest]; null when unknown. */
  pixelSpacingMm: [number, number] | null;
  /** How intensities are mapped to what the network reads. */
  intensity: string;
  /** The input channels, e.g. ['image'] or ['T1', 'T2']. */
  channels: string[];
}

export interface ModelMetric {
  /** E.g. 'psnr', 'ssim', 'validationLoss'. */
  name: string;
  value: number;
  /** What was measured, e.g. 'super-resolution x4, mean of 4 samples'. */
  condition: string;
  /** The data set and split, e.g. 'corpus-64 test'. */
  data: string;
  /** The same measure of the baseline the model must beat, when there is one. */
  baseline?: { method: string; value: number };
}

export interface ChangelogEntry {
  version: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  changes: string;
}

/** A model card is missing fields or has values of the wrong kind. `problems` lists each. */
export class ModelCardError extends MedDiffError {
  constructor(
    readonly where: string,
    readonly problems: string[],
  ) {
    super(
      'MODEL_CARD_INVALID',
      `The model card of ${where} is not valid: ${problems.join('; ')}. Every saved model carries a card (cardVersion ${MODEL_CARD_VERSION}: name, version, license, intendedUse, input, trainedOn, trainingSteps, metrics, changelog; see "Model cards" in the diffusion-core README); add what is missing to the card and save again.`,
    );
  }
}

const SEMVER = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Throws ModelCardError naming every problem of `card`; `where` says whose card it is (a folder, a URL). */
export function validateModelCard(card: unknown, where: string): asserts card is ModelCard {
  const problems: string[] = [];
  if (typeof card !== 'object' || card === null || Array.isArray(card)) throw new ModelCardError(where, ['the card is not a JSON object']);
  const c = card as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  const texts = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(text);
  const need = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  need(c.cardVersion === MODEL_CARD_VERSION, `cardVersion must be ${MODEL_CARD_VERSION}, got ${JSON.stringify(c.cardVersion)}`);
  for (const k of ['name', 'license', 'intendedUse', 'trainedOn'] as const) need(text(c[k]), `${k} must be a non-empty string`);
  need(typeof c.version === 'string' && SEMVER.test(c.version), `version must be a semantic version such as 1.0.0, got ${JSON.stringify(c.version)}`);
  const steps = c.trainingSteps;
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  need(count(steps) || (typeof steps === 'object' && steps !== null && Object.values(steps).length > 0 && Object.values(steps).every(count)), 'trainingSteps must be a count of steps or counts per part');

  const input = c.input as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null) problems.push('input (modalities, planes, pixelSpacingMm, intensity, channels) is missing');
  else {
    need(texts(input.modalities), 'input.modalities must list DICOM modality codes');
    need(texts(input.planes), 'input.planes must list slice planes');
    need(texts(input.channels), 'input.channels must list the input channels');
    need(text(input.intensity), 'input.intensity must say how intensities are mapped');
    const s = input.pixelSpacingMm;
    need(s === null || (Array.isArray(s) && s.length === 2 && s.every((v) => typeof v === 'number' && v > 0) && s[0] <= s[1]), 'input.pixelSpacingMm must be [finest, coarsest] in mm, or null');
  }

  if (!Array.isArray(c.metrics)) problems.push('metrics must be a list (empty before any evaluation)');
  else
    c.metrics.forEach((m: Record<string, unknown>, i) => {
      need(typeof m === 'object' && m !== null && text(m.name) && Number.isFinite(m.value) && text(m.condition) && text(m.data), `metrics[${i}] needs name, a finite value, condition and data`);
    });

  const log = c.changelog;
  if (!Array.isArray(log) || log.length === 0) problems.push('changelog must list at least the first version');
  else {
    log.forEach((e: Record<string, unknown>, i) => {
      need(typeof e === 'object' && e !== null && typeof e.version === 'string' && SEMVER.test(e.version) && typeof e.date === 'string' && ISO_DATE.test(e.date) && text(e.changes), `changelog[${i}] needs version, date (YYYY-MM-DD) and changes`);
    });
    const last = log[log.length - 1] as Record<string, unknown> | undefined;
    need(last?.version === c.version, `the changelog's last entry is version ${JSON.stringify(last?.version)}, but the card's version is ${JSON.stringify(c.version)}`);
  }
  if (problems.length) throw new ModelCardError(where, problems);
}

/** The fields a trainer knows; `newModelCard` adds the rest. */
export interface NewModelCardFields {
  name: string;
  intendedUse: string;
  input: InputSpecification;
  trainedOn: string;
  trainingSteps: ModelCard['trainingSteps'];
  version?: string;
  license?: string;
  metrics?: ModelMetric[];
  [key: string]: unknown;
}

/**
 * The card of newly trained weights: version 0.1.0 unless given, licence NOASSERTION unless given
 * (the trainer cannot know what the owner of the data and weights allows), the metrics given (the
 * trainer's validation loss; `evaluate` measures the rest), and a changelog of that one version.
 */
export function newModelCard(fields: NewModelCardFields, changes: string, date = new Date()): ModelCard {
  const version = fields.version ?? '0.1.0';
  const card: ModelCard = {
    license: 'NOASSERTION',
    metrics: [],
    ...fields,
    cardVersion: MODEL_CARD_VERSION,
    version,
    changelog: [{ version, date: date.toISOString().slice(0, 10), changes }],
  };
  validateModelCard(card, `the new model '${fields.name}'`);
  return card;
}

/**
 * Why `version` cannot be the next version of `card` (an evaluation recorded into it), or undefined
 * when it can: it must be semantic (0.2.0) and new to the changelog.
 */
export function nextVersionProblem(card: ModelCard, version: string): string | undefined {
  if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(version)) return `${version} is not a semantic version such as 0.2.0`;
  if (card.changelog.some((e) => e.version === version)) return `the card already has version ${version} (it is at ${card.version}); give the next version`;
  return undefined;
}
