import * as tf from '@tensorflow/tfjs-core';
import { reconstructionLoss, sharedFloat32, Trainer, type LossFunction, type TrainingReplica } from '@meddiff/diffusion-core';
import type { CdmModel } from '../model';
import { translateTensors } from '../translateTensors';
import { TranslationBatchSource, type TranslationBatch, type VectorSet } from './batchSources';
import { encodeSlices } from './encodeSlices';
import { channelIndices, spreadSlices, type PairedSlices } from './pairedSlices';
import { trainerOptions, type StageOptions, type StageTrainer } from './stageOptions';
import { translationErrors } from './validation';

/** DDIM steps of the MDN draws that feed the C-UNet during training, unless told otherwise. */
export const DEFAULT_TRAINING_MDN_STEPS = 10;

export interface CunetStageOptions extends StageOptions {
  /** DDIM steps of the MDN draws that feed the C-UNet during training (default DEFAULT_TRAINING_MDN_STEPS). */
  mdnSteps?: number;
  /** From `cunetSourceVectors` (computed here when not given). */
  sourceVectors?: VectorSet;
}

/** The source vectors of the training slices from the frozen MRM, when the MDN is conditioned on them (else none). */
export async function cunetSourceVectors(model: CdmModel, train: PairedSlices): Promise<VectorSet | undefined> {
  if (!model.mdn.conditioned) return undefined;
  const vectors = await encodeSlices(model.mrm, train, channelIndices(train, model.config.modalities.sources));
  // Shared memory where there is some, so data-parallel workers read this copy.
  return { ...vectors, data: sharedFloat32(vectors.data) };
}

/**
 * Stage 3, the C-UNet with the MRM and the MDN frozen: at every step a target vector is drawn
 * from the MDN for each slice (given its source vectors when the MDN is conditioned; each row's
 * draw seeded by its row of the global batch) and the C-UNet maps the sources and that vector to
 * the targets (L1 or MSE, `config.loss`). Its network, loss and batches.
 */
export function cunetReplica(model: CdmModel, train: PairedSlices, batchSize: number, seed: number, mdnSteps: number, sourceVectors: VectorSet | undefined): TrainingReplica<TranslationBatch> {
  const { sources, targets } = model.config.modalities;
  const loss: LossFunction<TranslationBatch> = (batch, { seed: stepSeed, rows }) =>
    tf.tidy(() => {
      const out = translateTensors(model, batch.sources, { mdnSteps, seed: stepSeed, training: true, rows, ...(batch.sourceVectors ? { sourceVectors: batch.sourceVectors } : {}) });
      return reconstructionLoss(out, batch.targets, model.config.loss);
    });
  return {
    model: model.network('cunet'),
    loss,
    data: new TranslationBatchSource(train, channelIndices(train, sources), channelIndices(train, targets), batchSize, seed, sourceVectors),
    dispose: () => {},
  };
}

export async function createCunetTrainer(o: CunetStageOptions): Promise<StageTrainer<TranslationBatch>> {
  const { model } = o;
  const { sources, targets } = model.config.modalities;
  const mdnSteps = o.mdnSteps ?? DEFAULT_TRAINING_MDN_STEPS;
  const sourceVectors = o.sourceVectors ?? (await cunetSourceVectors(model, o.train));
  const validation = o.validation ? spreadSlices(o.validation, 32) : undefined;
  const validate = validation
    ? async () => {
        const errors = await translationErrors(validation, channelIndices(validation, sources), channelIndices(validation, targets), (b, first) => translateTensors(model, b.sources, { mdnSteps, seed: 777 + first }));
        return Object.fromEntries([...targets.map((t, i) => [`mae_${t}`, errors[i]!]), ['mae', errors.reduce((a, e) => a + e, 0) / errors.length]]);
      }
    : undefined;
  const trainer = new Trainer<TranslationBatch>({
    ...trainerOptions(o, cunetReplica(model, o.train, o.batchSize, o.config?.seed ?? 0, mdnSteps, sourceVectors), { stage: 'cunet', config: model.config, mdnSteps }),
    ...(validate ? { validate } : {}),
  });
  return { trainer, ...(validate ? { validate } : {}), dispose: () => trainer.dispose() };
}
