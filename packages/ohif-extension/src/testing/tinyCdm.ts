import * as tf from '@tensorflow/tfjs-core';
import { CdmModel, cdmConfig, CDM_PARTS, RESEARCH_USE, type ModelCard } from '@meddiff/cdm';
import { memoryWeightsStore, newModelCard, type WeightsStore } from '@meddiff/diffusion-core';
import { TEST_INPUT, useWasm } from './tinyModel.js';

/** The contrasts of the test CDM model: the viewer's shipped setting. */
export const TEST_CDM_MODALITIES = { sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] };

/**
 * A CDM model small enough for unit tests (tiny preset at 16 px) with seeded random weights: its
 * zero-initialised output layers would otherwise make every translation the same constant.
 */
export function testCdmModel(seed = 1): CdmModel {
  const model = CdmModel.create(cdmConfig({ size: 'tiny', modalities: TEST_CDM_MODALITIES, overrides: { imageSize: 16 } }));
  CDM_PARTS.forEach((part, p) => {
    const net = model.network(part);
    const values = net.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.1, 'float32', seed * 100_000 + p * 1000 + i));
    net.setWeights(values);
    tf.dispose(values);
  });
  return model;
}

/** Saves a test CDM model into a store (in memory unless one is given). */
export async function tinyCdmStore(store: WeightsStore = memoryWeightsStore()): Promise<WeightsStore> {
  await useWasm();
  const model = testCdmModel();
  try {
    await model.save(store, { card: newModelCard({ name: 'test-cdm', trainedOn: 'nothing (random weights)', trainingSteps: { mrm: 0, mdn: 0, cunet: 0 }, intendedUse: `unit tests only. ${RESEARCH_USE}`, input: { ...TEST_INPUT, channels: ['T1', 'T2'] } }, 'Test weights.') as ModelCard });
  } finally {
    model.dispose();
  }
  return store;
}
