import { InvalidTaskError } from '../errors.js';
import { isTranslateRequest, taskLabel, type ModelCard } from '../model/taskTypes.js';
import type { Pipeline } from './pipeline.js';
import { runTask } from './runTask.js';
import type { WorkerModel } from './workerModel.js';

/** The worker's Med-cDiff adapter: one slice in, one out, tiled and sampled by runTask through the pass pipeline. */
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
