/**
 * What the inference worker holds for each loaded model folder: the model's card and how it runs a
 * request. One adapter per model family (Med-cDiff here, CDM in cdmModel.ts); the worker knows
 * only this interface.
 */
import { httpWeightsStore, pinnedWeightsStore, type WeightsStore } from '@meddiff/diffusion-core';
import { InvalidTaskError } from '../errors.js';
import { isTranslateRequest, taskLabel, type BackendName, type ModelCard, type ModelFamily, type TaskProgress, type TaskRequest, type TaskResult } from '../model/taskTypes.js';
import { loadCdmModel } from './cdmModel.js';
import { loadPipeline, type Pipeline } from './pipeline.js';
import { runTask } from './runTask.js';

export interface RunContext {
  backend: BackendName;
  signal: AbortSignal;
  onProgress: (p: TaskProgress) => void;
}

export interface WorkerModel {
  readonly card: ModelCard;
  /** Runs a request to the end; rejects with a typed error, or CancelledError once `signal` aborts. */
  run(request: TaskRequest, context: RunContext): Promise<TaskResult>;
  dispose(): void;
}

/** Med-cDiff: one slice in, one out, tiled and sampled by runTask through the pass pipeline. */
export function medCDiffWorkerModel(pipeline: Pipeline): WorkerModel {
  const card: ModelCard = { ...pipeline.card, family: 'med-cdiff' };
  return {
    card,
    run(request, { backend, signal, onProgress }) {
      if (isTranslateRequest(request)) {
        return Promise.reject(new InvalidTaskError(`${card.name} does ${card.tasks?.join(', ') ?? 'other tasks'}, not ${taskLabel(request.task)}: choose a CDM model in the Model list.`));
      }
      return runTask(pipeline, request, backend, signal, onProgress);
    },
    dispose: () => pipeline.dispose(),
  };
}

/**
 * Loads a model folder (URL or store) of the given family; Med-cDiff when not said. With `pinned`
 * (the models index's digests of the folder's JSON files), the folder is read through pinnedWeightsStore.
 */
export async function loadWorkerModel(source: string | WeightsStore, family: ModelFamily = 'med-cdiff', pinned?: Record<string, string>): Promise<WorkerModel> {
  const base = typeof source === 'string' ? httpWeightsStore(source) : source;
  const store = pinned ? pinnedWeightsStore(base, pinned) : base;
  return family === 'cdm' ? loadCdmModel(store) : medCDiffWorkerModel(await loadPipeline(store));
}
