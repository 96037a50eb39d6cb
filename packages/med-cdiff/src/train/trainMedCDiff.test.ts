import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { memoryWeightsStore, NoiseSchedule, selectBackend } from '@meddiff/diffusion-core';
import { medCDiffConfig } from '../config';
import { MedCDiffModel } from '../model';
import { openSlices } from '../testing';
import { createMedCDiffTrainer, validationLoss } from './trainMedCDiff';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

describe('createMedCDiffTrainer', () => {
  it('lowers the fixed-seed validation loss of a denoising model in a short run on real MRI/CT slices', async () => {
    const model = MedCDiffModel.create(medCDiffConfig('denoising', 'tiny', { imageSize: 64 }));
    const train = openSlices('train');
    const validation = openSlices('val');
    const schedule = new NoiseSchedule(model.config.noiseSchedule);
    const scheduleTensors = schedule.upload();
    const initial = await validationLoss(model, validation, schedule, scheduleTensors);
    const measured: number[] = [];
    const { trainer, dispose } = createMedCDiffTrainer({
      model,
      train,
      validation,
      batchSize: 4,
      checkpoints: memoryWeightsStore(),
      config: { steps: 40, seed: 3, validateEvery: 40, checkpointEvery: 20, logEvery: 10, learningRate: { peak: 3e-3, warmupSteps: 5, decay: 'constant', totalSteps: 40, minimum: 0 }, ema: null },
      onValidation: (_step, m) => measured.push(m.validationLoss!),
    });
    const before = tf.memory().numTensors;
    await trainer.run();
    expect(tf.memory().numTensors).toBe(before);
    console.log(`med-cdiff denoising, tiny U-Net, 40 steps: validation loss ${initial.toFixed(4)} -> ${measured[0]!.toFixed(4)}`);
    expect(measured).toHaveLength(1);
    expect(measured[0]!).toBeLessThan(0.7 * initial);
    await dispose();
    tf.dispose(Object.values(scheduleTensors));
    model.dispose();
  });
});
