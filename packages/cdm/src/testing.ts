import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cdmConfig, type CdmConfig } from './config';
import type { ModalitySetting } from './modalities';

/** Replaces a network's weights with small seeded noise, so untrained (zero-initialised) outputs are not trivially zero. Test-only. */
export function randomizeWeights(model: tfl.LayersModel, seed: number, scale = 0.1): void {
  const values = model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 1000 + i));
  model.setWeights(values);
  tf.dispose(values);
}

/** The tiny preset at 16 px (the smallest the U-Nets take): for fast tests. */
export function testConfig(modalities: ModalitySetting = { sources: ['T1'], targets: ['T2', 'FLAIR'] }, overrides: Partial<CdmConfig> = {}): CdmConfig {
  return cdmConfig({ size: 'tiny', modalities, overrides: { imageSize: 16, ...overrides } });
}
