import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { UNet, saveUNet } from '@meddiff/diffusion-core';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';

/** An entry of /models/index.json, which the extension reads to offer models. */
export interface ModelIndexEntry {
  id: string;
  label: string;
  /** Folder URL of a tfjs Layers model saved by @meddiff/diffusion-core (model.json + shards). */
  url: string;
  tasks: string[];
}

export const PLACEHOLDER_ID = 'placeholder-tiny';

/**
 * Until the Med-cDiff weights exist, the viewer ships an untrained tiny U-Net (2 input channels:
 * the noisy image and its condition; 45 thousand parameters, no attention) so that the whole
 * path (worker, backend, progress, cancel, tiles, derived series, storage) runs for real. Its card
 * says plainly that its output is noise.
 */
export const PLACEHOLDER_CONFIG = {
  inChannels: 2,
  outChannels: 1,
  baseChannels: 8,
  channelMultipliers: [1, 2],
  numResBlocks: [1, 1],
  attentionLevels: [false, false],
  numHeads: 1,
  groups: 4,
  dropout: 0,
  embeddingInjection: 'scale-shift' as const,
};

export const PLACEHOLDER_CARD = {
  name: 'Placeholder tiny U-Net (untrained)',
  trainedOn: 'Nothing: the weights are a random initialisation. They exist to exercise the viewer until trained Med-cDiff weights are published.',
  intendedUse: 'Software testing and research only; not for diagnosis. The output of this model is noise-like and carries no information about the patient.',
  tasks: ['super-resolve', 'denoise', 'inpaint'],
  parameterisation: 'epsilon prediction, linear betas 1e-4..0.02, T = 2000 (Med-cDiff schedule)',
};

/** Writes the placeholder weights and /models/index.json once; returns the index. */
export async function ensureModels(modelsDir: string, log: (m: string) => void = () => undefined): Promise<ModelIndexEntry[]> {
  const indexFile = join(modelsDir, 'index.json');
  const dir = join(modelsDir, PLACEHOLDER_ID);
  if (!existsSync(join(dir, 'model.json'))) {
    mkdirSync(dir, { recursive: true });
    await tf.setBackend('cpu');
    const unet = UNet.create(PLACEHOLDER_CONFIG);
    try {
      await saveUNet(unet, fileWeightsStore(dir), { card: PLACEHOLDER_CARD });
    } finally {
      unet.dispose();
    }
    log(`placeholder weights written to ${dir}`);
  }
  const entries: ModelIndexEntry[] = [{ id: PLACEHOLDER_ID, label: PLACEHOLDER_CARD.name, url: `/models/${PLACEHOLDER_ID}/`, tasks: PLACEHOLDER_CARD.tasks }];
  const text = JSON.stringify({ version: 1, models: entries }, null, 1);
  if (!existsSync(indexFile) || readFileSync(indexFile, 'utf8') !== text) writeFileSync(indexFile, text);
  return entries;
}
