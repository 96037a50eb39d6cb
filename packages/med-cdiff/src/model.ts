import * as tf from '@tensorflow/tfjs-core';
import { assignWeights, httpWeightsStore, readSavedModel, saveModel, UNet, type Denoiser, type ModelCard as CoreModelCard, type SavedModelMetadata, type StorageDtype, type WeightsStore } from '@meddiff/diffusion-core';
import { MED_CDIFF_MODEL_CLASS, resolveMedCDiffConfig, validateMedCDiffConfig, type MedCDiffConfig } from './config';

/** The model card (diffusion-core's, checked on save and load) with the task the weights do. */
export interface ModelCard extends CoreModelCard {
  task: MedCDiffConfig['task'];
}

export { RESEARCH_USE } from '@meddiff/imaging';

/** A Med-cDiff network: the U-Net and the config it was built from. */
export class MedCDiffModel {
  private constructor(
    readonly config: Readonly<MedCDiffConfig>,
    readonly unet: UNet,
    readonly card: ModelCard | null,
  ) {}

  static create(config: MedCDiffConfig): MedCDiffModel {
    validateMedCDiffConfig(config);
    return new MedCDiffModel(Object.freeze(structuredClone(config)), UNet.create(config.unet), null);
  }

  /**
   * Loads weights saved by `save` from a store, or from a folder URL (http, https or relative to
   * the page). Checks format, class, SHA-256 of every shard and every weight's shape.
   */
  static async load(source: WeightsStore | string | URL): Promise<MedCDiffModel> {
    const store = typeof source === 'string' || source instanceof URL ? httpWeightsStore(source) : source;
    const { metadata, weights } = await readSavedModel<MedCDiffConfig>(store, MED_CDIFF_MODEL_CLASS);
    let unet: UNet | undefined;
    try {
      const config = resolveMedCDiffConfig(metadata.config);
      unet = UNet.create(config.unet);
      assignWeights(unet.model, weights, store.location);
      return new MedCDiffModel(Object.freeze(config), unet, (metadata.card as ModelCard | undefined) ?? null);
    } catch (e) {
      unet?.dispose();
      throw e;
    } finally {
      tf.dispose(weights);
    }
  }

  save(store: WeightsStore, options: { card: ModelCard; storageDtype?: StorageDtype; overwrite?: boolean }): Promise<SavedModelMetadata<MedCDiffConfig>> {
    return saveModel(this.unet.model, store, { modelClass: MED_CDIFF_MODEL_CLASS, config: this.config as MedCDiffConfig, ...options });
  }

  /** The network output (see config.objective.prediction) for noisy samples with their condition concatenated on the channel axis. */
  predict(noisy: tf.Tensor, condition: tf.Tensor, timesteps: number | tf.Tensor1D, training = false): tf.Tensor4D {
    return tf.tidy(() => this.unet.apply({ x: tf.concat([noisy, condition], 3) as tf.Tensor4D, timesteps }, training));
  }

  /** A sampler's view of the network, conditioned on `condition` (B, H, W, C). */
  denoiser(condition: tf.Tensor): Denoiser {
    return (x, t) => this.predict(x, condition, t);
  }

  dispose(): void {
    this.unet.dispose();
  }
}
