import { httpWeightsStore, pinnedWeightsStore, type WeightsStore } from '@meddiff/diffusion-core';
import type { ModelFamily } from '../model/taskTypes.js';
import { loadCdmModel } from './cdmModel.js';
import { loadMedCDiffModel } from './medCDiffModel.js';
import type { WorkerModel } from './workerModel.js';

/**
 * Loads a model folder (URL or store) of the given family; Med-cDiff when not said. With `pinned`
 * (the models index's digests of the folder's JSON files), the folder is read through pinnedWeightsStore.
 */
export async function loadWorkerModel(source: string | WeightsStore, family: ModelFamily = 'med-cdiff', pinned?: Record<string, string>): Promise<WorkerModel> {
  const base = typeof source === 'string' ? httpWeightsStore(source) : source;
  const store = pinned ? pinnedWeightsStore(base, pinned) : base;
  return family === 'cdm' ? loadCdmModel(store) : loadMedCDiffModel(store);
}
