import * as tf from '@tensorflow/tfjs-core';
import { reconstructionLoss, Trainer, type LossFunction, type UNet } from '@meddiff/diffusion-core';
import { TranslationBatchSource, type TranslationBatch } from './batchSources';
import { channelIndices, spreadSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { translationErrors } from './validation';

/**
 * The plain U-Net regression baseline: the C-UNet's architecture without the representation,
 * trained on the same pairs with the same loss (`plainUNetConfig`).
 */
export function createBaselineTrainer(o: StageOptions & { baseline: UNet }): StageTrainer<TranslationBatch> {
  const { model, baseline } = o;
  const { sources, targets } = model.config.modalities;
  const loss: LossFunction<TranslationBatch> = (batch) => tf.tidy(() => reconstructionLoss(baseline.apply({ x: batch.sources }, true), batch.targets, model.config.loss));
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validate = validation
    ? async () => {
        const errors = await translationErrors(validation, channelIndices(validation, sources), channelIndices(validation, targets), (b) => baseline.apply({ x: b.sources }));
        return Object.fromEntries([...targets.map((t, i) => [`mae_${t}`, errors[i]!]), ['mae', errors.reduce((a, e) => a + e, 0) / errors.length]]);
      }
    : undefined;
  const trainer = new Trainer<TranslationBatch>({
    ...trainerOptions(o, baseline.model, { stage: 'baseline', config: model.config }),
    loss,
    data: new TranslationBatchSource(o.train, channelIndices(o.train, sources), channelIndices(o.train, targets), o.batchSize, o.config?.seed ?? 0),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
