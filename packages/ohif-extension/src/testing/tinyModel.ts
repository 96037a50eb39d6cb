import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { memoryWeightsStore, saveUNet, UNet, type WeightsStore } from '@meddiff/diffusion-core';

/** A conditional U-Net small enough for unit tests on the WASM backend (a few thousand parameters). */
export const TEST_UNET_CONFIG = {
  inChannels: 2,
  outChannels: 1,
  baseChannels: 4,
  channelMultipliers: [1, 2],
  numResBlocks: [1, 1],
  attentionLevels: [false, false],
  numHeads: 1,
  groups: 2,
  dropout: 0,
  embeddingInjection: 'scale-shift' as const,
};

export const TEST_CARD = { name: 'Test U-Net', trainedOn: 'nothing (random weights)', intendedUse: 'unit tests only' };

export async function useWasm(): Promise<void> {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  await tf.ready();
}

/** Saves a freshly initialised test U-Net into an in-memory weights store. */
export async function tinyModelStore(): Promise<WeightsStore> {
  await useWasm();
  const store = memoryWeightsStore();
  const unet = UNet.create(TEST_UNET_CONFIG);
  try {
    await saveUNet(unet, store, { card: TEST_CARD });
  } finally {
    unet.dispose();
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
