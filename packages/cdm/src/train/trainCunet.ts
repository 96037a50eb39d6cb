import * as tf from '@tensorflow/tfjs-core';
import { reconstructionLoss, Trainer, type LossFunction } from '@meddiff/diffusion-core';
import { translateTensors } from '../translateTensors';
import { TranslationBatchSource, type TranslationBatch } from './batchSources';
import { encodeSlices } from './encodeSlices';
import { channelIndices, spreadSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { translationErrors } from './validation';

export interface CunetStageOptions extends StageOptions {
  /** DDIM steps of the MDN draws that feed the C-UNet during training (default 10). */
  mdnSteps?: number;
}

/**
 * Stage 3, the C-UNet with the MRM and the MDN frozen: at every step a target vector is drawn
 * from the MDN for each slice (given its source vectors when the MDN is conditioned) and the
 * C-UNet maps the sources and that vector to the targets (L1 or MSE, `config.loss`).
 */
export async function createCunetTrainer(o: CunetStageOptions): Promise<StageTrainer<TranslationBatch>> {
  const { model } = o;
  const { sources, targets } = model.config.modalities;
  const mdnSteps = o.mdnSteps ?? 10;
  const sourceChannels = channelIndices(o.train, sources);
  const targetChannels = channelIndices(o.train, targets);
  const sourceVectors = model.mdn.conditioned ? await encodeSlices(model.mrm, o.train, sourceChannels) : undefined;
  const loss: LossFunction<TranslationBatch> = (batch, { seed }) =>
    tf.tidy(() => {
      const out = translateTensors(model, batch.sources, { mdnSteps, seed, training: true, ...(batch.sourceVectors ? { sourceVectors: batch.sourceVectors } : {}) });
      return reconstructionLoss(out, batch.targets, model.config.loss);
    });
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validate = validation
    ? async () => {
        const errors = await translationErrors(validation, channelIndices(validation, sources), channelIndices(validation, targets), (b, first) => translateTensors(model, b.sources, { mdnSteps, seed: 777 + first }));
        return Object.fromEntries([...targets.map((t, i) => [`mae_${t}`, errors[i]!]), ['mae', errors.reduce((a, e) => a + e, 0) / errors.length]]);
      }
    : undefined;
  const trainer = new Trainer<TranslationBatch>({
    ...trainerOptions(o, model.network('cunet'), { stage: 'cunet', config: model.config, mdnSteps }),
    loss,
    data: new TranslationBatchSource(o.train, sourceChannels, targetChannels, o.batchSize, o.config?.seed ?? 0, sourceVectors),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
