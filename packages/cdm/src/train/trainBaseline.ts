import * as tf from '@tensorflow/tfjs-core';
import { reconstructionLoss, Trainer, type TrainingReplica, type UNet } from '@meddiff/diffusion-core';
import type { CdmModel } from '../model';
import { TranslationBatchSource, type TranslationBatch } from './batchSources';
import { channelIndices, spreadSlices, type PairedSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { translationErrors } from './validation';

/**
 * The plain U-Net regression baseline: the C-UNet's architecture without the representation,
 * trained on the same pairs with the same loss (`plainUNetConfig`). Its network, loss and batches.
 */
export function baselineReplica(model: CdmModel, baseline: UNet, train: PairedSlices, batchSize: number, seed: number): TrainingReplica<TranslationBatch> {
  const { sources, targets } = model.config.modalities;
  return {
    model: baseline.model,
    loss: (batch) => tf.tidy(() => reconstructionLoss(baseline.apply({ x: batch.sources }, true), batch.targets, model.config.loss)),
    data: new TranslationBatchSource(train, channelIndices(train, sources), channelIndices(train, targets), batchSize, seed),
    dispose: () => {},
  };
}

export function createBaselineTrainer(o: StageOptions & { baseline: UNet }): StageTrainer<TranslationBatch> {
  const { model, baseline } = o;
  const { sources, targets } = model.config.modalities;
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validate = validation
    ? async () => {
        const errors = await translationErrors(validation, channelIndices(validation, sources), channelIndices(validation, targets), (b) => baseline.apply({ x: b.sources }));
        return Object.fromEntries([...targets.map((t, i) => [`mae_${t}`, errors[i]!]), ['mae', errors.reduce((a, e) => a + e, 0) / errors.length]]);
      }
    : undefined;
  const trainer = new Trainer<TranslationBatch>({
    ...trainerOptions(o, baselineReplica(model, baseline, o.train, o.batchSize, o.config?.seed ?? 0), { stage: 'baseline', config: model.config }),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
