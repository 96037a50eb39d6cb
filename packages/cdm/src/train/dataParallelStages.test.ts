import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, sharedFloat32, type TrainerConfig } from '@meddiff/diffusion-core';
import { dataParallelGradients, fileWeightsStore } from '@meddiff/diffusion-core/node';
import { readDataset } from '@meddiff/imaging/node';
import { createPlainUNet } from '../baselines/plainUNet';
import type { TrainStage } from '../commands/train';
import { cdmConfig } from '../config';
import { CdmModel } from '../model';
import { buildSimulatedDataset } from '../node/simulatedDataset';
import { prepareSlices, type PairedSlices } from './pairedSlices';
import { cdmReplicaModule } from './replicaModule';
import type { StageOptions } from './stageOptions';
import { createBaselineTrainer } from './trainBaseline';
import { createCunetTrainer, cunetSourceVectors } from './trainCunet';
import { createMdnTrainer, mdnTrainingItems } from './trainMdn';
import { createMrmTrainer } from './trainMrm';

const tmp = mkdtempSync(join(tmpdir(), 'cdm-parallel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => selectBackend({ preferred: ['wasm'] }));

const config = cdmConfig({ size: 'tiny', modalities: 't1-to-t2', overrides: { imageSize: 32 } });
const trainer: Partial<TrainerConfig> = { steps: 2, seed: 4, logEvery: 1, validateEvery: 0, checkpointEvery: 0, learningRate: { peak: 1e-3, warmupSteps: 0, decay: 'constant', totalSteps: 2, minimum: 0 } };
const batchSize = 4;

function trainSlices(): PairedSlices {
  const { dir } = buildSimulatedDataset();
  const { data, shape, manifest } = readDataset(dir, 'train');
  const slices = prepareSlices({ data, count: shape[0], size: shape[2], channels: [...manifest.channels] }, 32, config.normalization);
  return { ...slices, data: sharedFloat32(slices.data) };
}

describe('data-parallel CDM stages', () => {
  it('each stage (MRM, MDN, C-UNet, baseline) trains on two workers as in one thread', async () => {
    const train = trainSlices();
    const model = CdmModel.create(config);
    const modelDir = join(tmp, 'model');
    // The frozen parts the workers read, identical to this thread's.
    for (const part of ['mrm', 'mdn'] as const) await model.savePart(fileWeightsStore(modelDir), part);
    const baseline = createPlainUNet(config);
    const mdnItems = await mdnTrainingItems(model, train);
    const sourceVectors = await cunetSourceVectors(model, train);
    for (const stage of ['mrm', 'mdn', 'cunet', 'baseline'] as TrainStage[]) {
      const network = stage === 'baseline' ? baseline.model : model.network(stage);
      const initial = network.getWeights().map((w) => w.clone());
      const run = async (workers: number | null): Promise<Float32Array[]> => {
        network.setWeights(initial);
        const gradients = workers
          ? await dataParallelGradients({ model: network, replica: cdmReplicaModule({ stage, config, modelDir, train, batchSize, seed: 4, mdnSteps: 3, mdnItems, ...(sourceVectors ? { sourceVectors } : {}) }), batchSize, workers })
          : undefined;
        const common: StageOptions = { model, train, batchSize, config: trainer, ...(gradients ? { gradients } : {}) };
        const wiring =
          stage === 'mrm' ? createMrmTrainer(common) : stage === 'mdn' ? await createMdnTrainer({ ...common, items: mdnItems }) : stage === 'cunet' ? await createCunetTrainer({ ...common, mdnSteps: 3, ...(sourceVectors ? { sourceVectors } : {}) }) : createBaselineTrainer({ ...common, baseline });
        await wiring.trainer.run();
        await wiring.dispose();
        return Promise.all(network.getWeights().map(async (w) => (await w.data()) as Float32Array));
      };
      const before = tf.memory().numTensors;
      const one = await run(null);
      const two = await run(2);
      network.setWeights(initial); // the later stages freeze this part as saved
      expect(tf.memory().numTensors).toBe(before);
      const start = await Promise.all(initial.map(async (w) => (await w.data()) as Float32Array));
      const difference = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((w, i) => w.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i]![j]!)), 0)));
      console.log(`${stage}: 2 steps moved the weights by up to ${difference(one, start).toExponential(2)}; two workers differ from one thread by ${difference(one, two).toExponential(2)}`);
      expect(difference(one, start)).toBeGreaterThan(1e-4);
      expect(difference(one, two)).toBeLessThan(1e-5);
      tf.dispose(initial);
    }
    baseline.dispose();
    model.dispose();
  }, 300_000);
});
