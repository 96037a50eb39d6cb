import * as tf from '@tensorflow/tfjs-core';
import { allRows, diffusionLoss, NoiseSchedule, Trainer, type BatchRows, type GradientSource, type LossFunction, type TrainerConfig, type TrainingRunOptions } from '@meddiff/diffusion-core';
import type { MedCDiffModel } from '../model';
import { toDiffusionSpace } from '../objective';
import { assertTrainingSliceSize, DegradedPairSource, type SliceSet, type TrainingPair } from './pairSource';

export type MedCDiffTrainingOptions = TrainingRunOptions<MedCDiffModel, SliceSet>;

/**
 * The denoising loss of one batch under the model's objective (config.objective): the clean image
 * or its residual over the condition is diffused, the network predicts epsilon, x0 or v, MSE with
 * optional min-SNR weighting, t uniform over the schedule's T steps.
 */
function objectiveLoss(model: MedCDiffModel, pair: TrainingPair, schedule: NoiseSchedule, scheduleTensors: ReturnType<NoiseSchedule['upload']>, seed: number, training: boolean, rows: BatchRows = allRows(pair.x0.shape[0])): tf.Scalar {
  const o = model.config.objective;
  return tf.tidy(() =>
    diffusionLoss(toDiffusionSpace(pair.x0, pair.condition, o), (xt, t) => model.predict(xt, pair.condition, t, training), {
      schedule,
      scheduleTensors,
      predictionType: o.prediction,
      loss: 'mse',
      seed,
      rows,
      ...(o.minSnrGamma ? { minSnrGamma: o.minSnrGamma } : {}),
    }),
  );
}

/**
 * Wires a Med-cDiff model to the generic trainer with its objective (the paper's: epsilon
 * prediction, MSE, t uniform over the schedule's T steps), the degraded image as the condition.
 * Returns the trainer and a `dispose` for what the wiring holds on the device.
 */
export function createMedCDiffTrainer(o: MedCDiffTrainingOptions): { trainer: Trainer<TrainingPair>; dispose: () => Promise<void> } {
  const { model } = o;
  assertTrainingSliceSize(o.train.size, model.config.imageSize, model.config.augmentation);
  const schedule = new NoiseSchedule(model.config.noiseSchedule);
  const scheduleTensors = schedule.upload();
  const seed = o.config?.seed ?? 0;
  const trainer = new Trainer<TrainingPair>({
    model: model.unet.model,
    modelConfig: model.config,
    ...(o.gradients ? { gradients: o.gradients } : { loss: medCDiffLoss(model, schedule, scheduleTensors), data: medCDiffBatches(model, o.train, o.batchSize, seed) }),
    batchSize: o.batchSize,
    ...(o.config ? { config: o.config } : {}),
    ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...(o.onValidation ? { onValidation: o.onValidation } : {}),
    ...(o.warn ? { warn: o.warn } : {}),
    ...(o.validation ? { validate: async () => ({ validationLoss: await validationLoss(model, o.validation!, schedule, scheduleTensors) }) } : {}),
  });
  return {
    trainer,
    dispose: async () => {
      await trainer.dispose();
      tf.dispose(Object.values(scheduleTensors));
    },
  };
}

/** The training loss of a batch under the model's objective (rows: the batch's share of the global batch). */
export function medCDiffLoss(model: MedCDiffModel, schedule: NoiseSchedule, scheduleTensors: ReturnType<NoiseSchedule['upload']>): LossFunction<TrainingPair> {
  return (pair, { seed, rows }) => objectiveLoss(model, pair, schedule, scheduleTensors, seed, true, rows);
}

/** The training batches: shuffled slices degraded on the fly for the model's task. */
export function medCDiffBatches(model: MedCDiffModel, slices: SliceSet, batchSize: number, seed: number): DegradedPairSource {
  return new DegradedPairSource(slices, model.config.task, model.config.degradation, batchSize, seed, model.config.augmentation, model.config.imageSize);
}

/**
 * The objective on validation slices with fixed degradations, timesteps and noise (the same
 * every call), so successive values are comparable. At most 64 slices, in batches of 8.
 */
export async function validationLoss(model: MedCDiffModel, slices: SliceSet, schedule: NoiseSchedule, scheduleTensors: ReturnType<NoiseSchedule['upload']>): Promise<number> {
  const count = Math.min(slices.count, 64);
  const batchSize = Math.min(8, count);
  const source = new DegradedPairSource({ ...slices, count, data: slices.data.subarray(0, count * slices.size * slices.size) }, model.config.task, model.config.degradation, batchSize, 12345);
  let total = 0;
  const batches = Math.floor(count / batchSize);
  for (let b = 0; b < batches; b++) {
    const pair = source.next();
    const value = objectiveLoss(model, pair, schedule, scheduleTensors, 777 + b, false);
    total += (await value.data())[0]!;
    tf.dispose([value, pair.x0, pair.condition]);
  }
  return total / batches;
}
