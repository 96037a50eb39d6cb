/**
 * The replica module of CDM training: what each data-parallel worker thread imports
 * (`dataParallelGradients`) to build its copy of a stage's network, loss and batches, with the
 * frozen parts read from the run's model folder. A build entry of its own (dist/cdmReplica.js),
 * imported by nothing else, so its URL stays its own.
 */
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import type { TrainingReplica } from '@meddiff/diffusion-core';
import { createPlainUNet } from '../baselines/plainUNet';
import type { TrainStage } from '../commands/train';
import type { CdmConfig } from '../config';
import { CdmModel, type CdmPart } from '../model';
import type { VectorSet } from './batchSources';
import type { PairedSlices } from './pairedSlices';
import { baselineReplica } from './trainBaseline';
import { cunetReplica } from './trainCunet';
import { mdnReplica } from './trainMdn';
import { mrmReplica } from './trainMrm';

export interface CdmReplicaOptions {
  stage: TrainStage;
  config: CdmConfig;
  /** The run's model folder, holding the parts the stage needs frozen (the MRM and MDN for the C-UNet). */
  modelDir: string;
  /** The training slices at the model's size; on a SharedArrayBuffer every worker reads the trainer's copy. */
  train: PairedSlices;
  batchSize: number;
  seed: number;
  /** C-UNet: DDIM steps of the MDN's draws, and the source vectors (conditioned MDN). */
  mdnSteps: number;
  sourceVectors?: VectorSet;
  /** MDN: its training items (`mdnTrainingItems`). */
  mdnItems?: Float32Array;
}

/** The parts a stage needs trained and frozen (as the train command loads them). */
const FROZEN_PARTS: Record<TrainStage, CdmPart[]> = { mrm: [], mdn: ['mrm'], cunet: ['mrm', 'mdn'], baseline: [] };

export async function createTrainingReplica(o: CdmReplicaOptions): Promise<TrainingReplica<unknown>> {
  const model = CdmModel.create(o.config);
  const baseline = o.stage === 'baseline' ? createPlainUNet(o.config) : null;
  for (const part of FROZEN_PARTS[o.stage]) await model.loadPart(fileWeightsStore(o.modelDir), part);
  const replica = (
    o.stage === 'mrm'
      ? mrmReplica(model, o.train, o.batchSize, o.seed)
      : o.stage === 'mdn'
        ? mdnReplica(model, o.mdnItems!, o.batchSize, o.seed)
        : o.stage === 'cunet'
          ? cunetReplica(model, o.train, o.batchSize, o.seed, o.mdnSteps, o.sourceVectors)
          : baselineReplica(model, baseline!, o.train, o.batchSize, o.seed)
  ) as TrainingReplica<unknown>;
  return {
    ...replica,
    dispose: () => {
      replica.dispose();
      model.dispose();
      baseline?.dispose();
    },
  };
}
