import * as tf from '@tensorflow/tfjs-core';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset, resolveCacheDir } from '@meddiff/imaging/node';
import { newModelCard } from '@meddiff/diffusion-core';
import type { MedCDiffTask } from '../config';
import { RESEARCH_USE, type MedCDiffModel, type ModelCard } from '../model';
import type { SliceSet } from '../train/pairSource';

/** Replaces the weights with small seeded noise so an untrained model gives non-trivial output. Test-only. */
export function randomizeWeights(model: MedCDiffModel, seed: number, scale = 0.05): void {
  const values = model.unet.model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 1000 + i));
  model.unet.model.setWeights(values);
  tf.dispose(values);
}

/** The 64 px open-scan dataset (real brain MRI and head CT) that scripts/setup.sh builds. Test-only. */
export function openSlices(split: 'train' | 'val'): SliceSet {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(resolveCacheDir(undefined, join(here, '..', '..')), 'datasets', 'open-64');
  const { data, shape } = readDataset(dir, split);
  return { data, count: shape[0], size: shape[2] };
}

/** A valid card for test weights (random or trained for a few steps), saying so. Test-only. */
export function testModelCard(task: MedCDiffTask, trainedOn = 'nothing (random weights, test)'): ModelCard {
  const input = { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: null, intensity: 'per-slice 0.5 and 99.5 percentiles to -1 and 1', channels: ['image'] };
  return { ...newModelCard({ name: `test-${task}`, intendedUse: RESEARCH_USE, input, trainedOn, trainingSteps: 0 }, 'Test weights.'), task };
}
