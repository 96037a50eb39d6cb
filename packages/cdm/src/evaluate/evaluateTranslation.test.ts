import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@meddiff/diffusion-core';
import { cdmConfig } from '../config';
import { CdmModel } from '../model';
import { evaluateTranslation } from './evaluateTranslation';

beforeAll(() => selectBackend({ preferred: ['cpu'] }));

describe('evaluateTranslation', () => {
  it('matches histograms from each source and keeps the best per target', async () => {
    const model = CdmModel.create(cdmConfig({ size: 'tiny', modalities: 'brats', overrides: { imageSize: 16 } }));
    const count = 2;
    const n = 16 * 16;
    const channels = ['T1', 'T2', 'T1ce', 'FLAIR'];
    const data = new Float32Array(count * channels.length * n);
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < n; p++) {
        const t1 = Math.sin(p * 0.37 + i) * 0.8;
        const t2 = Math.cos(p * 0.11 - i) * 0.7;
        // T1ce is T1 brightened (a monotone map of T1), FLAIR a monotone map of T2: each has one right source.
        const at = (c: number) => (i * channels.length + c) * n + p;
        data[at(0)] = t1;
        data[at(1)] = t2;
        data[at(2)] = Math.tanh(2 * t1);
        data[at(3)] = t2 * 0.5 - 0.2;
      }
    }
    try {
      const methods = await evaluateTranslation(model, { data, count, size: 16, channels }, { ddimSteps: 2 });
      const hm = methods.find((m) => m.name === 'histogram matching')!;
      expect(hm.description).toMatch(/\(T1 for T1ce, T2 for FLAIR\)/);
      expect(hm.perTarget['T1ce']!.psnr).toBeGreaterThan(40);
      expect(hm.perTarget['FLAIR']!.psnr).toBeGreaterThan(40);
    } finally {
      model.dispose();
    }
  });

  it('scores CDM on the mean of several MDN draws when asked, leaving no tensor behind', async () => {
    const model = CdmModel.create(cdmConfig({ size: 'tiny', modalities: 'brats', overrides: { imageSize: 16 } }));
    const channels = ['T1', 'T2', 'T1ce', 'FLAIR'];
    const data = Float32Array.from({ length: 2 * channels.length * 256 }, (_, i) => Math.sin(i * 0.13));
    // A fresh C-UNet starts blind to its vector (zero-initialised paths): random weights make the draws matter.
    model.cunet.model.weights.forEach((w, k) => {
      const random = tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', k);
      w.write(random);
      random.dispose();
    });
    try {
      const slices = { data, count: 2, size: 16, channels };
      const before = tf.memory().numTensors;
      const one = await evaluateTranslation(model, slices, { ddimSteps: 2 });
      const mean = await evaluateTranslation(model, slices, { ddimSteps: 2, samples: 3 });
      expect(tf.memory().numTensors).toBe(before);
      const cdm = (m: typeof one) => m.find((x) => x.name === 'CDM')!;
      expect(cdm(mean).description).toMatch(/mean of the C-UNet's outputs for 3 MDN draws/);
      expect(cdm(mean).perTarget['FLAIR']!.mae).not.toBe(cdm(one).perTarget['FLAIR']!.mae);
      const hm = (m: typeof one) => m.find((x) => x.name === 'histogram matching')!.perTarget['FLAIR']!.psnr;
      expect(hm(mean)).toBe(hm(one));
      await expect(evaluateTranslation(model, slices, { samples: 0 })).rejects.toThrow(/samples must be a positive integer/);
    } finally {
      model.dispose();
    }
  });
});
