import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { ConfigError } from '../../errors';
import { memoryWeightsStore } from '../../io/weightsStore';
import { siblingModule } from '../../runtime/siblingModule';
import { UNet } from '../../nn/unet';
import { unetPreset } from '../../nn/unetPresets';
import { denoisingTask, type DenoisingTaskOptions } from '../../testing/denoisingTask';
import { Trainer } from '../trainer';
import { dataParallelGradients, TrainingWorkerError } from './dataParallelGradients';

const TASK: DenoisingTaskOptions = { patch: 16, batchSize: 4, seed: 11, config: { steps: 3, checkpointEvery: 0, logEvery: 1, learningRate: { peak: 1e-3, warmupSteps: 1, decay: 'constant', totalSteps: 3, minimum: 0 } } };
const replicaUrl = siblingModule(new URL('../../testing/x.ts', import.meta.url).href, 'denoisingReplica');

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

async function trainedWeights(workers: number | null, options: DenoisingTaskOptions = TASK): Promise<{ weights: Float32Array[]; ema: Float32Array[] }> {
  const task = denoisingTask(options);
  const before = tf.memory().numTensors;
  const common = { model: task.trainerOptions.model, modelConfig: task.trainerOptions.modelConfig, batchSize: options.batchSize, config: task.trainerOptions.config! };
  const trainer =
    workers === null
      ? new Trainer({ ...common, loss: task.trainerOptions.loss, data: task.trainerOptions.data })
      : new Trainer({ ...common, gradients: await dataParallelGradients({ model: task.unet.model, replica: { url: replicaUrl, options }, batchSize: options.batchSize, workers }) });
  await trainer.run();
  const weights = await Promise.all(task.unet.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  const ema = await trainer.withEmaWeights(() => Promise.all(task.unet.model.getWeights().map(async (w) => (await w.data()) as Float32Array)));
  await trainer.dispose();
  expect(tf.memory().numTensors).toBe(before);
  task.dispose();
  return { weights, ema };
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((w, i) => w.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i]![j]!)), 0)));
}

describe('dataParallelGradients', () => {
  let oneThread: { weights: Float32Array[]; ema: Float32Array[] };
  beforeAll(async () => {
    oneThread = await trainedWeights(null);
  });

  it('two workers train as one thread does at the same global batch (weights and EMA after 3 steps)', async () => {
    const two = await trainedWeights(2);
    const moved = maxDifference(oneThread.weights, (await trainedWeights(null, { ...TASK, config: { ...TASK.config, steps: 1 } })).weights);
    expect(moved).toBeGreaterThan(1e-4); // the comparison below is not vacuous: 3 steps move the weights
    const difference = maxDifference(two.weights, oneThread.weights);
    console.log(`3 steps: weights moved up to ${moved.toExponential(2)} from step 1; two workers differ from one thread by at most ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(1e-5);
    expect(maxDifference(two.ema, oneThread.ema)).toBeLessThan(1e-5);
  });

  it('splits a batch unevenly (4 rows over 3 workers) with the same result', async () => {
    const three = await trainedWeights(3);
    expect(maxDifference(three.weights, oneThread.weights)).toBeLessThan(1e-5);
  });

  it('resumes a checkpoint exactly where it stopped', async () => {
    const store = memoryWeightsStore();
    const task = denoisingTask(TASK);
    const start = async (steps: number) =>
      new Trainer({
        model: task.unet.model,
        modelConfig: task.unet.config,
        batchSize: TASK.batchSize,
        config: { ...task.trainerOptions.config, steps, checkpointEvery: 1 },
        checkpoints: store,
        gradients: await dataParallelGradients({ model: task.unet.model, replica: { url: replicaUrl, options: TASK }, batchSize: TASK.batchSize, workers: 2 }),
      });
    const first = await start(2);
    await first.run();
    await first.dispose();
    const second = await start(3);
    expect(await second.resume()).toBe(2);
    await second.run();
    await second.dispose();
    const weights = await Promise.all(task.unet.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    task.dispose();
    // Not bit for bit: an uninterrupted run's weights were never rounded through a checkpoint; float32 checkpoints keep them exactly.
    expect(maxDifference(weights, oneThread.weights)).toBeLessThan(1e-5);
  });

  it('refuses a replica that builds another network than the trainer\'s, and a module without the factory', async () => {
    const other = UNet.create({ ...unetPreset('tiny'), inChannels: 3, outChannels: 1 });
    const before = tf.memory().numTensors;
    await expect(dataParallelGradients({ model: other.model, replica: { url: replicaUrl, options: TASK }, batchSize: 4, workers: 2 })).rejects.toThrow(ConfigError);
    const notAReplica = siblingModule(new URL('../../testing/x.ts', import.meta.url).href, 'perturbWeights');
    await expect(dataParallelGradients({ model: other.model, replica: { url: notAReplica, options: {} }, batchSize: 4, workers: 1 })).rejects.toThrow(/perturbWeights.* does not export createTrainingReplica/);
    await expect(dataParallelGradients({ model: other.model, replica: { url: notAReplica, options: {} }, batchSize: 4, workers: 1 })).rejects.toBeInstanceOf(TrainingWorkerError);
    expect(tf.memory().numTensors).toBe(before);
    other.dispose();
  });
});
