import { cachedWeightsStore, httpWeightsStore, pinnedWeightsStore, type CacheStorageLike, type WeightsStore } from '@meddiff/diffusion-core';
import type { ModelFamily } from '../model/taskTypes.js';
import { loadCdmModel } from './cdmModel.js';
import { loadMedCDiffModel } from './medCDiffModel.js';
import type { WorkerModel } from './workerModel.js';

export interface LoadWorkerModelOptions {
  /**
   * Where a model read from a URL keeps its files, by SHA-256 (diffusion-core's cachedWeightsStore):
   * default the browser's Cache Storage; none where the context has none (plain-http origins, Node),
   * and then every load fetches the files.
   */
  caches?: CacheStorageLike;
}

/**
 * Loads a model folder (URL or store) of the given family; Med-cDiff when not said. With `pinned`
 * (the models index's digests of the folder's JSON files), the folder is read through pinnedWeightsStore.
 * A folder URL is read through the cache: the pinned JSON files and the shards their model.json lists
 * are fetched once per digest and served from the cache after, with the network up or down.
 */
export async function loadWorkerModel(source: string | WeightsStore, family: ModelFamily = 'med-cdiff', pinned?: Record<string, string>, options: LoadWorkerModelOptions = {}): Promise<WorkerModel> {
  const base = typeof source === 'string' ? fromUrl(source, options.caches ?? (globalThis as { caches?: CacheStorageLike }).caches) : source;
  const store = pinned ? pinnedWeightsStore(base, pinned) : base;
  return family === 'cdm' ? loadCdmModel(store) : loadMedCDiffModel(store);
}

function fromUrl(url: string, caches: CacheStorageLike | undefined): WeightsStore {
  const http = httpWeightsStore(url);
  return caches ? cachedWeightsStore(http, { caches }) : http;
}
