import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { memoryWeightsStore, selectBackend, type TrainerConfig } from '@meddiff/diffusion-core';
import { readDataset } from '@meddiff/imaging/node';
import { cdmConfig } from '../config';
import { CdmModel } from '../model';
import { testModelCard } from '../testing';
import { buildSimulatedDataset } from '../node/simulatedDataset';
import { channelIndices, prepareSlices, spreadSlices, type PairedSlices } from './pairedSlices';
import { createCunetTrainer } from './trainCunet';
import { createMdnTrainer } from './trainMdn';
import { createMrmTrainer } from './trainMrm';
import { histogramMatchingErrors } from './validation';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

function schedule(steps: number, peak: number, validateEvery = steps): Partial<TrainerConfig> {
  return { steps, seed: 1, logEvery: steps, validateEvery, checkpointEvery: 0, learningRate: { peak, warmupSteps: Math.floor(steps / 10), decay: 'cosine', totalSteps: steps, minimum: peak / 10 }, ema: null };
}

describe('three-stage training on simulated data', () => {
  it('lowers each stage\'s validation loss, and the C-UNet\'s error falls below histogram matching', async () => {
    // The cached simulated dataset (built in a few seconds from the open anatomies when missing).
    const { dir } = buildSimulatedDataset();
    const config = cdmConfig({ size: 'tiny', modalities: 't1-to-t2', overrides: { imageSize: 32 } });
    const load = (split: 'train' | 'val'): PairedSlices => {
      const { data, shape, manifest } = readDataset(dir, split);
      return prepareSlices({ data, count: shape[0], size: shape[2], channels: [...manifest.channels] }, 32, config.normalization);
    };
    const train = load('train');
    // Validation is INIA19 (a macaque brain): an anatomy training never saw.
    const validation = spreadSlices(load('val'), 32);
    const model = CdmModel.create(config);
    const stage = async (name: string, make: (onValidation: (step: number, m: Record<string, number>) => void) => Promise<{ trainer: { run(): Promise<unknown> }; validate?: () => Promise<Record<string, number>>; dispose(): unknown }>) => {
      const seen: Array<Record<string, number>> = [];
      const before = tf.memory().numTensors;
      const wiring = await make((_, m) => seen.push(m));
      const initial = await wiring.validate!();
      await wiring.trainer.run();
      await wiring.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const last = seen[seen.length - 1]!;
      console.log(`${name}: ${JSON.stringify(initial)} -> ${JSON.stringify(last)}`);
      return { initial, last };
    };
    const mrm = await stage('MRM', async (onValidation) => createMrmTrainer({ model, train, validation, batchSize: 8, config: schedule(60, 2e-3), onValidation }));
    expect(mrm.last.mrmValidationMse!).toBeLessThan(0.7 * mrm.initial.mrmValidationMse!);
    const mdn = await stage('MDN', async (onValidation) => createMdnTrainer({ model, train, validation, batchSize: 64, config: schedule(200, 2e-3), onValidation }));
    expect(mdn.last.mdnValidationLoss!).toBeLessThan(0.5 * mdn.initial.mdnValidationLoss!);
    const cunet = await stage('C-UNet', async (onValidation) => createCunetTrainer({ model, train, validation, batchSize: 8, config: schedule(240, 3e-3, 80), onValidation }));
    const histogram = histogramMatchingErrors(validation, channelIndices(validation, ['T1'])[0]!, channelIndices(validation, ['T2']))[0]!;
    console.log(`T1 -> T2 validation MAE ([-1, 1] scale): C-UNet ${cunet.last.mae!.toFixed(4)}, histogram matching (oracle histogram) ${histogram.toFixed(4)}`);
    expect(cunet.last.mae!).toBeLessThan(0.5 * cunet.initial.mae!);
    expect(cunet.last.mae!).toBeLessThan(histogram);
    // The trained model round-trips through the weights format.
    const store = memoryWeightsStore();
    await model.save(store, { card: testModelCard('cdm-sim-64', { mrm: 60, mdn: 200, cunet: 240 }) });
    const loaded = await CdmModel.load(store);
    loaded.dispose();
    model.dispose();
  }, 600_000);
});
