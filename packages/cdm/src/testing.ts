import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cdmConfig, type CdmConfig } from './config';
import type { ModalitySetting, SimulatedModality } from './modalities';
import { simulateSlice } from './simulate/render';
import { emptyTissueMaps, type TissueMaps } from './simulate/segment';
import { drawVirtualSubject } from './simulate/virtualSubject';
import type { PairedSlices } from './train/pairedSlices';
import { applyNormalization, computeNormalization } from '@meddiff/imaging';

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

/** A synthetic head: concentric rings of skull, fat, CSF, GM, WM and a ventricle, shifted per slice. */
export function phantomMaps(size: number, shift = 0): TissueMaps {
  const maps = emptyTissueMaps(size, size);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(y - c - shift, (x - c) * 1.15) / (size / 2);
      const p = y * size + x;
      const tissue = r > 0.95 ? 'background' : r > 0.88 ? 'fat' : r > 0.82 ? 'skull' : r > 0.77 ? 'csf' : r > 0.62 ? 'gm' : r > 0.18 ? 'wm' : 'csf';
      maps.memberships[tissue][p] = 1;
    }
  }
  return maps;
}

/** Simulated paired slices of the phantom (no data files needed), normalised per slice as the dataset is. Test-only. */
export function phantomSlices(count: number, size: number, channels: SimulatedModality[] = ['T1', 'T2', 'PD', 'FLAIR', 'T1ce'], seed = 0): PairedSlices {
  const n = size * size;
  const data = new Float32Array(count * channels.length * n);
  for (let i = 0; i < count; i++) {
    const images = simulateSlice(phantomMaps(size, (i % 5) - 2), drawVirtualSubject(seed * 1000 + i), channels, seed * 1000 + i);
    channels.forEach((m, c) => data.set(applyNormalization(images[m]!, computeNormalization(images[m]!, { lowPercentile: 0.5, highPercentile: 99.5 })), (i * channels.length + c) * n));
  }
  return { data, count, size, channels: [...channels] };
}
