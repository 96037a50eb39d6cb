import * as tf from '@tensorflow/tfjs-core';
import { UNet } from '../nn/unet';
import type { UNetConfig } from '../nn/unetConfig';
import { assignWeights, readSavedModel, saveModel, type SaveModelOptions, type SavedModelMetadata } from './savedModel';
import type { WeightsStore } from './weightsStore';

export const UNET_MODEL_CLASS = 'UNet';

/** Saves a bare U-Net with its config. Model packages save their own class and config instead. */
export function saveUNet(unet: UNet, store: WeightsStore, options: Omit<SaveModelOptions<UNetConfig>, 'modelClass' | 'config'> = {}): Promise<SavedModelMetadata<UNetConfig>> {
  return saveModel(unet.model, store, { ...options, modelClass: UNET_MODEL_CLASS, config: unet.config });
}

/** Rebuilds a U-Net from its saved config and loads its verified weights. */
export async function loadUNet(store: WeightsStore): Promise<{ unet: UNet; metadata: SavedModelMetadata<UNetConfig> }> {
  const { metadata, weights } = await readSavedModel<UNetConfig>(store, UNET_MODEL_CLASS);
  const unet = UNet.create(metadata.config);
  try {
    assignWeights(unet.model, weights, store.location);
  } catch (e) {
    unet.dispose();
    throw e;
  } finally {
    tf.dispose(weights);
  }
  return { unet, metadata };
}
