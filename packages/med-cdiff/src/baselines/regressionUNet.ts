import * as tf from '@tensorflow/tfjs-core';
import { assignWeights, httpWeightsStore, readSavedModel, resolveUNetConfig, saveModel, UNet, type SavedModelMetadata, type StorageDtype, type UNetConfig, type WeightsStore } from '@meddiff/diffusion-core';
import { cropPadding, padToMultiple } from '@meddiff/imaging';
import { conditionChannels, resolveMedCDiffConfig, type MedCDiffConfig } from '../config';
import type { ModelCard } from '../model';
import { fromDiffusionSpace } from '../objective';

export const REGRESSION_MODEL_CLASS = 'MedCDiff-Regression';

/**
 * The regression baseline's network: the model's U-Net without the time input, taking only the
 * condition. It predicts in one pass what the diffusion model samples (the image, or its residual
 * over the condition, as config.objective says), trained with MSE on the same data and budget.
 * What Med-cDiff gains over it is what sampling adds.
 */
export function regressionUNetConfig(config: MedCDiffConfig): UNetConfig {
  return resolveUNetConfig({ ...config.unet, inChannels: conditionChannels(config.task), timeEmbedding: false });
}

export class RegressionUNet {
  private constructor(
    readonly config: Readonly<MedCDiffConfig>,
    readonly unet: UNet,
    readonly card: ModelCard | null,
  ) {}

  static create(config: MedCDiffConfig): RegressionUNet {
    const c = resolveMedCDiffConfig(config);
    return new RegressionUNet(Object.freeze(c), UNet.create(regressionUNetConfig(c)), null);
  }

  /** Loads a baseline saved by `save` (or by the PyTorch twin's `train-med-cdiff --network regression`). */
  static async load(source: WeightsStore | string | URL): Promise<RegressionUNet> {
    const store = typeof source === 'string' || source instanceof URL ? httpWeightsStore(source) : source;
    const { metadata, weights } = await readSavedModel<MedCDiffConfig>(store, REGRESSION_MODEL_CLASS);
    let unet: UNet | undefined;
    try {
      const config = resolveMedCDiffConfig(metadata.config);
      unet = UNet.create(regressionUNetConfig(config));
      assignWeights(unet.model, weights, store.location);
      return new RegressionUNet(Object.freeze(config), unet, (metadata.card as ModelCard | undefined) ?? null);
    } catch (e) {
      unet?.dispose();
      throw e;
    } finally {
      tf.dispose(weights);
    }
  }

  save(store: WeightsStore, options: { card: ModelCard; storageDtype?: StorageDtype; overwrite?: boolean }): Promise<SavedModelMetadata<MedCDiffConfig>> {
    return saveModel(this.unet.model, store, { modelClass: REGRESSION_MODEL_CLASS, config: this.config as MedCDiffConfig, ...options });
  }

  /**
   * The restored image (rows x cols, in the condition's [-1, 1] scale) from a condition of rows x cols
   * pixels with the task's channels interleaved, as the pipeline builds it.
   */
  async restore(condition: Float32Array, rows: number, cols: number): Promise<Float32Array> {
    const channels = conditionChannels(this.config.task);
    const multiple = this.unet.sizeMultiple;
    const planes = Array.from({ length: channels }, (_, c) => padToMultiple(condition.filter((_, i) => i % channels === c), rows, cols, multiple, { mode: 'edge' }));
    const { rows: pr, cols: pc, padding } = planes[0]!;
    const interleaved = new Float32Array(pr * pc * channels);
    planes.forEach((p, c) => p.data.forEach((v, i) => (interleaved[i * channels + c] = v)));
    const out = tf.tidy(() => this.unet.apply({ x: tf.tensor4d(interleaved, [1, pr, pc, channels]) }));
    try {
      const values = cropPadding((await out.data()) as Float32Array, pr, pc, padding);
      return fromDiffusionSpace(values, condition.filter((_, i) => i % channels === 0), this.config.objective);
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.unet.dispose();
  }
}
