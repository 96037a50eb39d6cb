import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CDM_INDEX_FILE, CDM_MODEL_CLASS, CDM_PARTS, CDM_SIZE_PRESETS, cdmConfig, validateCdmConfig, type CdmConfig, type ModelCard } from '@meddiff/cdm';
import { UNET_PRESETS, validateModelCard, type UNetPresetName } from '@meddiff/diffusion-core';
import { APP_DIR } from '../app/paths.js';

/** The kinds of model the extension can load; each folder holds one. */
export const MODEL_FAMILIES = ['med-cdiff', 'cdm'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** An entry of /models/index.json, which the extension reads to offer models. */
export interface ModelIndexEntry {
  id: string;
  label: string;
  /** Folder URL of the model (Med-cDiff: model.json + shards; CDM: cdm.json + mrm/, mdn/, cunet/). */
  url: string;
  /** The viewer tasks it serves: Med-cDiff trains one model per task; CDM translates contrasts. */
  tasks: string[];
  family: ModelFamily;
  /**
   * SHA-256 (hex) of every JSON file of the folder, by relative path: the files that describe the
   * model, whose own hashes pin each weight shard. The extension loads through
   * `pinnedWeightsStore`, so a replaced `model.json` is refused like a replaced shard.
   */
  pinned: Record<string, string>;
}

/** The weights the viewer ships, committed under apps/viewer/models/<id>/ with their model cards. */
export const SHIPPED_MODELS_DIR = join(APP_DIR, 'models');

/** A shipped model folder the viewer cannot offer: unreadable, of two families at once, or inconsistent. */
export class ShippedModelError extends Error {
  override readonly name = 'ShippedModelError';
  constructor(dir: string, detail: string) {
    super(`shipped model ${dir}: ${detail}`);
  }
}

/** The file at a model folder's root that says which family the folder holds. */
const FAMILY_FILE: Record<ModelFamily, string> = { 'med-cdiff': 'model.json', cdm: CDM_INDEX_FILE };

const VIEWER_TASK: Record<string, string> = { 'super-resolution': 'super-resolve', denoising: 'denoise', inpainting: 'inpaint' };

function readJson(dir: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    throw new ShippedModelError(dir, `${file} is not readable JSON (${(e as Error).message})`);
  }
}

interface Described {
  label: string;
  tasks: string[];
}

/** Shipped models carry a valid model card (diffusion-core's validateModelCard), checked before they are served. */
function shippedCard(dir: string, card: unknown): ModelCard {
  try {
    validateModelCard(card ?? null, dir);
  } catch (e) {
    throw new ShippedModelError(dir, (e as Error).message);
  }
  return card as ModelCard;
}

/** The U-Net size preset whose settings a network's config has (channel counts aside), or 'custom'. */
function unetSize(unet: Record<string, unknown> | undefined): string {
  const names = Object.keys(UNET_PRESETS) as UNetPresetName[];
  const matches = (name: UNetPresetName) => Object.entries(UNET_PRESETS[name]).every(([key, value]) => isDeepStrictEqual(unet?.[key], value));
  return names.find(matches) ?? 'custom';
}

/** Med-cDiff: the task, network size and training length from model.json's config and card. */
function describeMedCDiff(dir: string): Described {
  const json = readJson(dir, 'model.json') as { userDefinedMetadata?: { meddiff?: { card?: unknown; config?: { task?: string; unet?: Record<string, unknown> } } } };
  const meta = json.userDefinedMetadata?.meddiff;
  const task = meta?.config?.task;
  if (typeof task !== 'string') throw new ShippedModelError(dir, 'model.json has no userDefinedMetadata.meddiff.config.task; is it a Med-cDiff model saved by @meddiff/med-cdiff?');
  const card = shippedCard(dir, meta?.card);
  return { label: `Med-cDiff ${task} (${unetSize(meta?.config?.unet)}, ${String(card.trainingSteps)} training steps)`, tasks: [VIEWER_TASK[task] ?? task] };
}

/** The size preset a CDM config was built from (at any image size, which the label states), or 'custom' when it matches none. */
function sizePresetOf(config: CdmConfig): string {
  // Compared as JSON data, since the config was read from JSON.
  const preset = CDM_SIZE_PRESETS.find((size) => isDeepStrictEqual(JSON.parse(JSON.stringify(cdmConfig({ modalities: config.modalities, size, overrides: { imageSize: config.imageSize } }))), config));
  return preset ?? 'custom';
}

/** CDM: contrasts, size and training lengths from cdm.json, after checking the config and the parts are there. */
function describeCdm(dir: string): Described {
  const index = readJson(dir, CDM_INDEX_FILE) as { format?: unknown; modelClass?: unknown; config?: CdmConfig; card?: ModelCard | null; parts?: Record<string, unknown> };
  if (index.format !== 'meddiff-cdm' || index.modelClass !== CDM_MODEL_CLASS || !index.config) {
    throw new ShippedModelError(dir, `${CDM_INDEX_FILE} is not a CDM model index (format 'meddiff-cdm', modelClass '${CDM_MODEL_CLASS}', config); save the model with @meddiff/cdm`);
  }
  const config = index.config;
  try {
    validateCdmConfig(config);
  } catch (e) {
    throw new ShippedModelError(dir, `${CDM_INDEX_FILE} has an invalid config: ${(e as Error).message}`);
  }
  for (const part of CDM_PARTS) {
    const folder = index.parts?.[part];
    if (typeof folder !== 'string' || !existsSync(join(dir, folder, 'model.json'))) throw new ShippedModelError(dir, `the ${part} part is missing (no ${typeof folder === 'string' ? folder : part}/model.json); copy the whole model folder`);
  }
  const steps = (shippedCard(dir, index.card) as ModelCard).trainingSteps;
  const missing = CDM_PARTS.filter((p) => typeof steps?.[p] !== 'number');
  if (missing.length > 0) throw new ShippedModelError(dir, `${CDM_INDEX_FILE}'s card does not give the training steps of ${missing.join(', ')}; shipped models carry their card`);
  const { sources, targets } = config.modalities;
  const size = `${sizePresetOf(config)}, ${config.imageSize} px, ${CDM_PARTS.map((p) => steps![p]).join('/')} training steps`;
  return { label: `CDM ${sources.join(' + ')} -> ${targets.join(', ')} (${size})`, tasks: ['translate'] };
}

const DESCRIBE: Record<ModelFamily, (dir: string) => Described> = { 'med-cdiff': describeMedCDiff, cdm: describeCdm };

/** The family of the model in `dir`, from the file at its root; undefined when it holds no model. */
export function modelFamilyOf(dir: string): ModelFamily | undefined {
  const found = MODEL_FAMILIES.filter((f) => existsSync(join(dir, FAMILY_FILE[f])));
  if (found.length > 1) throw new ShippedModelError(dir, `it has both ${found.map((f) => FAMILY_FILE[f]).join(' and ')} at its root; a model folder holds one model`);
  return found[0];
}

/** SHA-256 over every file's relative path and bytes, in path order: equal digests, equal folders. */
export function folderDigest(dir: string): string {
  const hash = createHash('sha256');
  if (!existsSync(dir)) return '';
  for (const file of filesBelow(dir).sort()) {
    const bytes = readFileSync(file);
    hash.update(`${relative(dir, file)}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** Every file below `dir`, as paths that start with it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesBelow(join(dir, name)) : [join(dir, name)]));
}

/** SHA-256 of each `.json` file below `dir`, by path relative to it ('/'-separated), in path order. */
function jsonDigests(dir: string): Record<string, string> {
  const files = filesBelow(dir).filter((f) => f.endsWith('.json')).map((f) => relative(dir, f).split(sep).join('/')).sort();
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

/**
 * Copies the shipped models (Med-cDiff, one per task; CDM, one per set of contrasts) into the folder
 * served under /models/ and writes /models/index.json; returns the index, Med-cDiff first, then CDM,
 * each by id. A copy is replaced whenever any of its files differs from the shipped ones.
 */
export async function ensureModels(modelsDir: string, log: (m: string) => void = () => undefined, shippedDir: string = SHIPPED_MODELS_DIR): Promise<ModelIndexEntry[]> {
  mkdirSync(modelsDir, { recursive: true });
  const found = readdirSync(shippedDir)
    .filter((id) => statSync(join(shippedDir, id)).isDirectory())
    .flatMap((id) => {
      const family = modelFamilyOf(join(shippedDir, id));
      return family ? [{ id, family }] : [];
    })
    .sort((a, b) => MODEL_FAMILIES.indexOf(a.family) - MODEL_FAMILIES.indexOf(b.family) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const entries = found.map(({ id, family }): ModelIndexEntry => {
    const source = join(shippedDir, id);
    // Described before copying, so a broken shipped model never replaces a served one.
    const { label, tasks } = DESCRIBE[family](source);
    const target = join(modelsDir, id);
    if (folderDigest(source) !== folderDigest(target)) {
      const tmp = `${target}.partial`;
      rmSync(tmp, { recursive: true, force: true });
      cpSync(source, tmp, { recursive: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(tmp, target);
      log(`model ${id} copied to ${target}`);
    }
    return { id, label, url: `/models/${id}/`, tasks, family, pinned: jsonDigests(target) };
  });
  const text = JSON.stringify({ version: 1, models: entries }, null, 1);
  const indexFile = join(modelsDir, 'index.json');
  if (!existsSync(indexFile) || readFileSync(indexFile, 'utf8') !== text) writeFileSync(indexFile, text);
  return entries;
}
