import * as tf from '@tensorflow/tfjs-core';
import { ArrayBatchSource, diffusionLoss, sharedFloat32, Trainer, type LossFunction, type TrainingReplica } from '@meddiff/diffusion-core';
import { sourceVectorDim, targetVectorDim } from '../config';
import type { CdmModel } from '../model';
import type { VectorSet } from './batchSources';
import { encodeSlices } from './encodeSlices';
import { channelIndices, spreadSlices, type PairedSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { mdnValidationLoss } from './validation';

/** Target vectors and, for a conditioned MDN, source vectors of a set of slices, from the frozen MRM. */
export async function representationsOf(o: Pick<StageOptions, 'model'>, slices: PairedSlices): Promise<{ targets: VectorSet; sources: VectorSet | undefined }> {
  const { model } = o;
  const targets = await encodeSlices(model.mrm, slices, channelIndices(slices, model.config.modalities.targets));
  const sources = model.mdn.conditioned ? await encodeSlices(model.mrm, slices, channelIndices(slices, model.config.modalities.sources)) : undefined;
  return { targets, sources };
}

/**
 * The MDN's training items: each slice's target vector followed by its source vectors (none when
 * the MDN is unconditioned), [count, dt + ds], computed once by the frozen MRM before training.
 * On a SharedArrayBuffer where there is one, so data-parallel workers read this copy.
 */
export async function mdnTrainingItems(model: CdmModel, train: PairedSlices): Promise<Float32Array> {
  const dt = targetVectorDim(model.config);
  const ds = sourceVectorDim(model.config);
  const { targets, sources } = await representationsOf({ model }, train);
  const items = sharedFloat32(train.count * (dt + ds));
  for (let i = 0; i < train.count; i++) {
    items.set(targets.data.subarray(i * dt, (i + 1) * dt), i * (dt + ds));
    if (sources) items.set(sources.data.subarray(i * ds, (i + 1) * ds), i * (dt + ds) + dt);
  }
  return items;
}

/**
 * Stage 2, the MDN on the frozen MRM's vectors: x0-parameterised diffusion (MSE to the clean
 * vector, t uniform over T = 1000 steps of the scaled-linear schedule), conditioned on the source
 * vectors unless `mdn.conditioning` is 'none'. Its network, loss and batches over `items`.
 */
export function mdnReplica(model: CdmModel, items: Float32Array, batchSize: number, seed: number): TrainingReplica<tf.Tensor> {
  const dt = targetVectorDim(model.config);
  const ds = sourceVectorDim(model.config);
  const schedule = model.mdn.schedule;
  const scheduleTensors = schedule.upload();
  const loss: LossFunction<tf.Tensor> = (batch, { seed: stepSeed, rows }) =>
    tf.tidy(() => {
      const b = batch.shape[0]!;
      const x0 = tf.slice(batch, [0, 0], [b, dt]);
      const condition = ds > 0 ? (tf.slice(batch, [0, dt], [b, ds]) as tf.Tensor2D) : undefined;
      return diffusionLoss(x0, (xt, t) => model.mdn.predict(xt, t, condition, true), { schedule, scheduleTensors, predictionType: 'x0', loss: 'mse', seed: stepSeed, rows });
    });
  return {
    model: model.network('mdn'),
    loss,
    data: new ArrayBatchSource({ data: items, itemShape: [dt + ds] }, batchSize, seed),
    dispose: () => tf.dispose(Object.values(scheduleTensors)),
  };
}

/** The MDN stage's trainer; `items` from `mdnTrainingItems` (computed here when not given). */
export async function createMdnTrainer(o: StageOptions & { items?: Float32Array }): Promise<StageTrainer<tf.Tensor>> {
  const { model } = o;
  const replica = mdnReplica(model, o.items ?? (await mdnTrainingItems(model, o.train)), o.batchSize, o.config?.seed ?? 0);
  const schedule = model.mdn.schedule;
  const scheduleTensors = schedule.upload();
  const val = o.validation ? await representationsOf(o, spreadSlices(o.validation, 64)) : undefined;
  const validate = val ? async () => ({ mdnValidationLoss: await mdnValidationLoss(model, val.targets, val.sources, schedule, scheduleTensors) }) : undefined;
  const trainer = new Trainer<tf.Tensor>({
    ...trainerOptions(o, replica, { stage: 'mdn', config: model.config }),
    ...(validate ? { validate } : {}),
  });
  return {
    trainer,
    ...(validate ? { validate } : {}),
    dispose: async () => {
      await trainer.dispose();
      replica.dispose();
      tf.dispose(Object.values(scheduleTensors));
    },
  };
}
