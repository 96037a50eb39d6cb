import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cdmConfig, type CdmConfig } from '../config';
import { newModelCard } from '@meddiff/diffusion-core';
import type { ModalitySetting } from '../modalities';
import { RESEARCH_USE, type ModelCard } from '../model';

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

/** A valid card for test weights, saying so. Test-only. */
export function testModelCard(trainedOn = 'nothing (random weights, test)', trainingSteps: ModelCard['trainingSteps'] = { mrm: 0, mdn: 0, cunet: 0 }): ModelCard {
  const input = { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: null, intensity: 'per-slice 0.5 and 99.5 percentiles to -1 and 1', channels: ['T1'] };
  return newModelCard({ name: 'test-cdm', intendedUse: RESEARCH_USE, input, trainedOn, trainingSteps }, 'Test weights.') as ModelCard;
}
