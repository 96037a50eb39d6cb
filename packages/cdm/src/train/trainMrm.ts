import * as tf from '@tensorflow/tfjs-core';
import { Trainer, type LossFunction, type TrainingReplica } from '@meddiff/diffusion-core';
import { mrmModalities } from '../config';
import type { CdmModel } from '../model';
import { patchKeepMask } from '../nn/patchMask';
import { SingleContrastBatchSource } from './batchSources';
import { channelIndices, spreadSlices, type PairedSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { mrmValidationLoss } from './validation';

/**
 * Stage 1, the MRM as a masked autoencoder (He et al. 2022): each training image (one contrast)
 * has `maskRatio` of its patches set to zero, and the U-Net reconstructs the whole image (MSE).
 * It trains on the target contrasts, plus the sources when the MDN is conditioned on them.
 * The network, loss and batches, in this thread or as a data-parallel worker's replica.
 */
export function mrmReplica(model: CdmModel, train: PairedSlices, batchSize: number, seed: number): TrainingReplica<tf.Tensor4D> {
  const { patchSize, maskRatio } = model.config.mrm;
  const size = train.size;
  const loss: LossFunction<tf.Tensor4D> = (images, { seed: stepSeed, rows }) =>
    tf.tidy(() => {
      const keep = patchKeepMask(images.shape[0], size, size, patchSize, maskRatio, stepSeed, rows.offset);
      const reconstruction = model.mrm.reconstruct(tf.mul(images, keep) as tf.Tensor4D, true);
      return tf.mean(tf.square(tf.sub(reconstruction, images))) as tf.Scalar;
    });
  const data = new SingleContrastBatchSource(train, channelIndices(train, mrmModalities(model.config)), batchSize, seed);
  return { model: model.network('mrm'), loss, data, dispose: () => {} };
}

export function createMrmTrainer(o: StageOptions): StageTrainer<tf.Tensor4D> {
  const { model } = o;
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validationChannels = validation ? channelIndices(validation, mrmModalities(model.config)) : [];
  const validate = validation ? async () => ({ mrmValidationMse: await mrmValidationLoss(model, validation, validationChannels) }) : undefined;
  const trainer = new Trainer<tf.Tensor4D>({
    ...trainerOptions(o, mrmReplica(model, o.train, o.batchSize, o.config?.seed ?? 0), { stage: 'mrm', config: model.config }),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
