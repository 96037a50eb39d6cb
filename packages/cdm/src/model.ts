import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { assignWeights, ConfigError, httpWeightsStore, readSavedModel, saveModel, UNet, validateModelCard, WeightsError, type ModelCard as CoreModelCard, type StorageDtype, type WeightsStore } from '@meddiff/diffusion-core';
import { CDM_MODEL_CLASS, mrmModalities, sourceVectorDim, targetVectorDim, validateCdmConfig, type CdmConfig } from './config';
import { subStore } from './io/subStore';
import { ModalityDecoupledDiffusion } from './nn/mdn';
import { MaskedRepresentationModel } from './nn/mrm';

/** The three networks of CDM, each saved in its own folder of the model's store. */
export const CDM_PARTS = ['mrm', 'mdn', 'cunet'] as const;
export type CdmPart = (typeof CDM_PARTS)[number];
const PART_CLASS: Record<CdmPart, string> = { mrm: `${CDM_MODEL_CLASS}-MRM`, mdn: `${CDM_MODEL_CLASS}-MDN`, cunet: `${CDM_MODEL_CLASS}-CUNet` };
/** Written last by `save`: a store with it holds all three parts. */
export const CDM_INDEX_FILE = 'cdm.json';
const INDEX_FORMAT = 'meddiff-cdm';

export { RESEARCH_USE } from '@meddiff/imaging';

/** diffusion-core's model card; a CDM's `trainingSteps` are per part. Checked on save and on load. */
export type ModelCard = CoreModelCard & { trainingSteps: Partial<Record<CdmPart, number>> };

interface CdmIndex {
  format: typeof INDEX_FORMAT;
  version: 1;
  modelClass: typeof CDM_MODEL_CLASS;
  config: CdmConfig;
  card: ModelCard | null;
  parts: Record<CdmPart, string>;
}

function toStore(source: WeightsStore | string | URL): WeightsStore {
  return typeof source === 'string' || source instanceof URL ? httpWeightsStore(source) : source;
}

/**
 * A CDM model: the MRM (masked autoencoder whose bottleneck gives each contrast's vector), the MDN
 * (diffusion over the target vectors) and the C-UNet (sources plus target vector to targets).
 */
export class CdmModel {
  private constructor(
    readonly config: Readonly<CdmConfig>,
    readonly mrm: MaskedRepresentationModel,
    readonly mdn: ModalityDecoupledDiffusion,
    readonly cunet: UNet,
    private cardValue: ModelCard | null,
  ) {}

  /** Freshly initialised networks for a config. */
  static create(config: CdmConfig): CdmModel {
    validateCdmConfig(config);
    const frozen = Object.freeze(structuredClone(config));
    const made: Array<{ dispose(): void }> = [];
    try {
      const mrm = MaskedRepresentationModel.create(frozen.mrm.unet);
      made.push(mrm);
      const mdn = ModalityDecoupledDiffusion.create({
        dataDim: targetVectorDim(frozen),
        conditionDim: sourceVectorDim(frozen),
        hiddenDim: frozen.mdn.hiddenDim,
        numBlocks: frozen.mdn.numBlocks,
        timeEmbeddingDim: frozen.mdn.timeEmbeddingDim,
        noiseSchedule: frozen.mdn.noiseSchedule,
        gaussianSkip: frozen.mdn.gaussianSkip,
        groups: frozen.modalities.targets.length,
      });
      made.push(mdn);
      const cunet = UNet.create(frozen.cunet.unet);
      return new CdmModel(frozen, mrm, mdn, cunet, null);
    } catch (e) {
      made.forEach((m) => m.dispose());
      throw e;
    }
  }

  /**
   * Loads a model saved by `save` from a store or a folder URL (http, https, or relative to the
   * page: usable in a Web Worker). Checks the index, each part's class, hashes and shapes.
   */
  static async load(source: WeightsStore | string | URL): Promise<CdmModel> {
    const store = toStore(source);
    const index = await readIndex(store);
    const model = CdmModel.create(index.config);
    try {
      for (const part of CDM_PARTS) await model.loadPart(store, part);
      model.cardValue = index.card;
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** The config saved with a model, without loading its weights. */
  static async readConfig(source: WeightsStore | string | URL): Promise<{ config: CdmConfig; card: ModelCard | null }> {
    const index = await readIndex(toStore(source));
    return { config: index.config, card: index.card };
  }

  get card(): ModelCard | null {
    return this.cardValue;
  }

  /** The Layers model of a part (what a trainer optimises). */
  network(part: CdmPart): tfl.LayersModel {
    return part === 'mrm' ? this.mrm.unet.model : part === 'mdn' ? this.mdn.model : this.cunet.model;
  }

  /** Whether the store holds this part (saved by `savePart` or `save`). */
  static hasPart(store: WeightsStore, part: CdmPart): Promise<boolean> {
    return subStore(store, part).exists('model.json');
  }

  /** Loads one part's weights from `<store>/<part>/`; its saved config must equal this model's. */
  async loadPart(store: WeightsStore, part: CdmPart): Promise<void> {
    const sub = subStore(store, part);
    const { metadata, weights } = await readSavedModel<CdmConfig>(sub, PART_CLASS[part]);
    try {
      if (JSON.stringify(metadata.config) !== JSON.stringify(this.config)) {
        throw new WeightsError('WEIGHTS_MISMATCH', `${sub.location} was trained with another CDM config (${describeConfig(metadata.config)}) than this model's (${describeConfig(this.config)}). Train all three stages with one config.`);
      }
      assignWeights(this.network(part), weights, sub.location);
    } finally {
      tf.dispose(weights);
    }
  }

  /** Saves one part into `<store>/<part>/` (the staged trainer saves each stage's result this way). */
  async savePart(store: WeightsStore, part: CdmPart, options: { storageDtype?: StorageDtype; overwrite?: boolean } = {}): Promise<void> {
    await saveModel(this.network(part), subStore(store, part), { modelClass: PART_CLASS[part], config: this.config as CdmConfig, ...options });
  }

  /** Writes the index that makes a store with all three parts loadable by `CdmModel.load`. */
  static async writeIndex(store: WeightsStore, config: CdmConfig, card: ModelCard, overwrite = false): Promise<void> {
    if (!store.write) throw new ConfigError(`The weights store at ${store.location} is read-only.`);
    validateModelCard(card, store.location);
    if (!overwrite && (await store.exists(CDM_INDEX_FILE))) throw new ConfigError(`${store.location} already holds a CDM model; pass overwrite: true to replace it, or choose another folder.`);
    for (const part of CDM_PARTS) if (!(await CdmModel.hasPart(store, part))) throw new ConfigError(`${store.location} lacks the ${part} part (${part}/model.json); train or save it first.`);
    const index: CdmIndex = { format: INDEX_FORMAT, version: 1, modelClass: CDM_MODEL_CLASS, config, card, parts: { mrm: 'mrm', mdn: 'mdn', cunet: 'cunet' } };
    await store.write(CDM_INDEX_FILE, new TextEncoder().encode(JSON.stringify(index, null, 1)));
  }

  /** Saves all three networks and the index (written last). Refuses to replace a model unless `overwrite`. */
  async save(store: WeightsStore, options: { card: ModelCard; storageDtype?: StorageDtype; overwrite?: boolean }): Promise<void> {
    if (!options.overwrite && (await store.exists(CDM_INDEX_FILE))) throw new ConfigError(`${store.location} already holds a CDM model; pass overwrite: true to replace it, or choose another folder.`);
    for (const part of CDM_PARTS) await this.savePart(store, part, { overwrite: true, ...(options.storageDtype ? { storageDtype: options.storageDtype } : {}) });
    await CdmModel.writeIndex(store, this.config as CdmConfig, options.card, true);
    this.cardValue = options.card;
  }

  /** The contrasts the MRM was trained to encode. */
  get encodedModalities(): string[] {
    return mrmModalities(this.config);
  }

  dispose(): void {
    this.mrm.dispose();
    this.mdn.dispose();
    this.cunet.dispose();
  }
}

function describeConfig(c: CdmConfig): string {
  return `${c.modalities.sources.join('+')} -> ${c.modalities.targets.join(',')}, ${c.imageSize} px, MRM base ${c.mrm.unet.baseChannels}`;
}

async function readIndex(store: WeightsStore): Promise<CdmIndex> {
  const raw = await store.read(CDM_INDEX_FILE);
  let index: CdmIndex;
  try {
    index = JSON.parse(new TextDecoder().decode(raw)) as CdmIndex;
  } catch (e) {
    throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${CDM_INDEX_FILE} is not valid JSON (${(e as Error).message}); the download may be incomplete.`);
  }
  if (index.format !== INDEX_FORMAT || index.modelClass !== CDM_MODEL_CLASS) throw new WeightsError('WEIGHTS_MISMATCH', `${store.location}/${CDM_INDEX_FILE} is not a CDM model index.`);
  if (index.version !== 1) throw new WeightsError('WEIGHTS_MISMATCH', `${store.location} is a version ${String(index.version)} CDM model; this package reads version 1.`);
  try {
    validateCdmConfig(index.config);
  } catch (e) {
    throw new WeightsError('WEIGHTS_MISMATCH', `${store.location}/${CDM_INDEX_FILE} holds an invalid config: ${(e as Error).message}`);
  }
  if (index.card !== null) validateModelCard(index.card, store.location);
  return index;
}
