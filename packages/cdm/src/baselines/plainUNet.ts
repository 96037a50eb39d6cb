import * as tf from '@tensorflow/tfjs-core';
import { assignWeights, readSavedModel, resolveUNetConfig, UNet, WeightsError, type UNetConfig, type WeightsStore } from '@meddiff/diffusion-core';
import type { CdmConfig } from '../config';

/**
 * The regression baseline: the C-UNet's architecture without the Condition Embedding (no
 * representation vector), trained on the same pairs with the same loss. What CDM gains over it
 * is what the cross-conditioning adds.
 */
export function plainUNetConfig(config: CdmConfig): UNetConfig {
  return resolveUNetConfig({ ...config.cunet.unet, conditionDim: 0 });
}

export function createPlainUNet(config: CdmConfig): UNet {
  return UNet.create(plainUNetConfig(config));
}

export const BASELINE_MODEL_CLASS = 'CDM-Baseline-UNet';

/** Loads a baseline saved by `cdm train --stage baseline` for a CDM config. */
export async function loadPlainUNet(store: WeightsStore, config: CdmConfig): Promise<UNet> {
  const { metadata, weights } = await readSavedModel<CdmConfig>(store, BASELINE_MODEL_CLASS);
  let unet: UNet | undefined;
  try {
    if (JSON.stringify(metadata.config) !== JSON.stringify(config)) throw new WeightsError('WEIGHTS_MISMATCH', `${store.location} is a baseline for another CDM config; train the baseline in the same run as the model.`);
    unet = createPlainUNet(config);
    assignWeights(unet.model, weights, store.location);
    return unet;
  } catch (e) {
    unet?.dispose();
    throw e;
  } finally {
    tf.dispose(weights);
  }
}
