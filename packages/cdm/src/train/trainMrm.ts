import * as tf from '@tensorflow/tfjs-core';
import { Trainer, type LossFunction } from '@meddiff/diffusion-core';
import { mrmModalities } from '../config';
import { patchKeepMask } from '../nn/patchMask';
import { SingleContrastBatchSource } from './batchSources';
import { channelIndices, spreadSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { mrmValidationLoss } from './validation';

/**
 * Stage 1, the MRM as a masked autoencoder (He et al. 2022): each training image (one contrast)
 * has `maskRatio` of its patches set to zero, and the U-Net reconstructs the whole image (MSE).
 * It trains on the target contrasts, plus the sources when the MDN is conditioned on them.
 */
export function createMrmTrainer(o: StageOptions): StageTrainer<tf.Tensor4D> {
  const { model } = o;
  const { patchSize, maskRatio } = model.config.mrm;
  const channels = channelIndices(o.train, mrmModalities(model.config));
  const size = o.train.size;
  const loss: LossFunction<tf.Tensor4D> = (images, { seed }) =>
    tf.tidy(() => {
      const keep = patchKeepMask(images.shape[0], size, size, patchSize, maskRatio, seed);
      const reconstruction = model.mrm.reconstruct(tf.mul(images, keep) as tf.Tensor4D, true);
      return tf.mean(tf.square(tf.sub(reconstruction, images))) as tf.Scalar;
    });
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validationChannels = validation ? channelIndices(validation, mrmModalities(model.config)) : [];
  const validate = validation ? async () => ({ mrmValidationMse: await mrmValidationLoss(model, validation, validationChannels) }) : undefined;
  const trainer = new Trainer<tf.Tensor4D>({
    ...trainerOptions(o, model.network('mrm'), { stage: 'mrm', config: model.config }),
    loss,
    data: new SingleContrastBatchSource(o.train, channels, o.batchSize, o.config?.seed ?? 0),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
