import * as tf from '@tensorflow/tfjs-core';
import { ArrayBatchSource, diffusionLoss, Trainer, type LossFunction } from '@meddiff/diffusion-core';
import { sourceVectorDim, targetVectorDim } from '../config';
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
 * Stage 2, the MDN on the frozen MRM's vectors: x0-parameterised diffusion (MSE to the clean
 * vector, t uniform over T = 1000 steps of the scaled-linear schedule), conditioned on the source
 * vectors unless `mdn.conditioning` is 'none'. The vectors are computed once, before training.
 */
export async function createMdnTrainer(o: StageOptions): Promise<StageTrainer<tf.Tensor>> {
  const { model } = o;
  const dt = targetVectorDim(model.config);
  const ds = sourceVectorDim(model.config);
  const { targets, sources } = await representationsOf(o, o.train);
  const items = new Float32Array(o.train.count * (dt + ds));
  for (let i = 0; i < o.train.count; i++) {
    items.set(targets.data.subarray(i * dt, (i + 1) * dt), i * (dt + ds));
    if (sources) items.set(sources.data.subarray(i * ds, (i + 1) * ds), i * (dt + ds) + dt);
  }
  const schedule = model.mdn.schedule;
  const scheduleTensors = schedule.upload();
  const loss: LossFunction<tf.Tensor> = (batch, { seed }) =>
    tf.tidy(() => {
      const b = batch.shape[0]!;
      const x0 = tf.slice(batch, [0, 0], [b, dt]);
      const condition = ds > 0 ? (tf.slice(batch, [0, dt], [b, ds]) as tf.Tensor2D) : undefined;
      return diffusionLoss(x0, (xt, t) => model.mdn.predict(xt, t, condition, true), { schedule, scheduleTensors, predictionType: 'x0', loss: 'mse', seed });
    });
  const val = o.validation ? await representationsOf(o, spreadSlices(o.validation, 64)) : undefined;
  const validate = val ? async () => ({ mdnValidationLoss: await mdnValidationLoss(model, val.targets, val.sources, schedule, scheduleTensors) }) : undefined;
  const trainer = new Trainer<tf.Tensor>({
    ...trainerOptions(o, model.network('mdn'), { stage: 'mdn', config: model.config }),
    loss,
    data: new ArrayBatchSource({ data: items, itemShape: [dt + ds] }, o.batchSize, o.config?.seed ?? 0),
    ...(validate ? { validate } : {}),
  });
  return {
    trainer,
    ...(validate ? { validate } : {}),
    dispose: () => {
      trainer.dispose();
      tf.dispose(Object.values(scheduleTensors));
    },
  };
}
