import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { memoryWeightsStore, newModelCard, type WeightsStore } from '@meddiff/diffusion-core';
import { medCDiffConfig, MedCDiffModel, RESEARCH_USE, type MedCDiffTask, type ModelCard } from '@meddiff/med-cdiff';

/** What the test models say they expect (they are random weights). */
export const TEST_INPUT = { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: null, intensity: 'per-slice 0.5 and 99.5 percentiles to -1 and 1', channels: ['image'] };

export function testCard(task: MedCDiffTask): ModelCard {
  return { ...newModelCard({ name: `test-${task}`, trainedOn: 'nothing (random weights)', trainingSteps: 0, intendedUse: `unit tests only. ${RESEARCH_USE}`, input: TEST_INPUT }, 'Test weights.'), task };
}

export async function useWasm(): Promise<void> {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  await tf.ready();
}

/** A Med-cDiff model for `task`, small enough for unit tests on WASM: base 4 channels, no attention. */
export function testModel(task: MedCDiffTask): MedCDiffModel {
  const config = medCDiffConfig(task, 'tiny');
  config.unet = { ...config.unet, baseChannels: 4, groups: 2, attentionLevels: [false, false] };
  return MedCDiffModel.create(config);
}

/** Saves a freshly initialised test model for `task` into an in-memory weights store. */
export async function tinyModelStore(task: MedCDiffTask = 'denoising'): Promise<WeightsStore> {
  await useWasm();
  const store = memoryWeightsStore();
  const model = testModel(task);
  try {
    await model.save(store, { card: testCard(task) });
  } finally {
    model.dispose();
  }
  return store;
}

/** A smooth test image in modality-like units (a bright disc on a ramp), rows x columns. */
export function testImage(rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const r = Math.hypot(y - rows / 2, x - columns / 2);
      out[y * columns + x] = 100 + 3 * x + (r < rows / 3 ? 800 : 0);
    }
  }
  return out;
}
