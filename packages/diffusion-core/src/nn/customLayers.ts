import * as tf from '@tensorflow/tfjs-core';
import { EmbeddingInjection } from './embeddingInjection';
import { GroupNormalization } from './groupNormalization';
import { SinusoidalEmbedding } from './sinusoidalEmbedding';
import { SpatialSelfAttention } from './spatialSelfAttention';

const CUSTOM_LAYERS = [GroupNormalization, SinusoidalEmbedding, EmbeddingInjection, SpatialSelfAttention];
let registered = false;

/**
 * Makes the package's layers known to tfjs-layers' deserialiser, so saved models load with
 * tf.loadLayersModel anywhere. Called by the builders and loaders; idempotent; explicit rather
 * than an import side effect so tree-shaking cannot drop it.
 */
export function registerCustomLayers(): void {
  if (registered) return;
  for (const layer of CUSTOM_LAYERS) tf.serialization.registerClass(layer);
  registered = true;
}
