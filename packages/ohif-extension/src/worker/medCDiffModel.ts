/**
 * Med-cDiff in the worker: a slice, or several slices of a series, delegated whole to
 * @meddiff/med-cdiff's pipeline (runTask.ts), as the CLI runs it.
 */
import type { WeightsStore } from '@meddiff/diffusion-core';
import { MedCDiffPipeline, type MedCDiffTask } from '@meddiff/med-cdiff';
import { InvalidTaskError, ModelLoadError } from '../errors.js';
import { isSeriesRequest, isTranslateRequest, taskLabel, type ModelCard, type TaskRequest, type TaskResult } from '../model/taskTypes.js';
import { runSeriesTask, runTask } from './runTask.js';
import type { RunContext, WorkerModel } from './workerModel.js';

const VIEWER_TASK: Record<MedCDiffTask, 'super-resolve' | 'denoise' | 'inpaint'> = { 'super-resolution': 'super-resolve', denoising: 'denoise', inpainting: 'inpaint' };

class MedCDiffWorkerModel implements WorkerModel {
  readonly card: ModelCard;

  constructor(private readonly pipeline: MedCDiffPipeline) {
    const c = pipeline.model.card;
    const config = pipeline.model.config;
    const factors = config.task === 'super-resolution' ? ` (x${config.degradation.factors.join(', x')})` : '';
    this.card = {
      ...(c ?? {}),
      name: `Med-cDiff ${config.task}${factors}`,
      trainedOn: c?.trainedOn ?? 'not stated by the model card',
      intendedUse: c?.intendedUse ?? 'research only; not for diagnosis',
      tasks: [VIEWER_TASK[config.task]],
      family: 'med-cdiff',
      // The main thread normalises a whole series alike with these (a series' range, as the CLI does).
      normalization: { ...config.normalization },
    };
  }

  run(request: TaskRequest, { backend, signal, onProgress }: RunContext): Promise<TaskResult> {
    if (isTranslateRequest(request)) {
      return Promise.reject(new InvalidTaskError(`${this.card.name} does ${this.card.tasks?.join(', ') ?? 'other tasks'}, not ${taskLabel(request.task)}: choose a CDM model in the Model list.`));
    }
    if (isSeriesRequest(request)) return runSeriesTask(this.pipeline, request, backend, signal, onProgress);
    return runTask(this.pipeline, request, backend, signal, onProgress);
  }

  dispose(): void {
    this.pipeline.dispose();
  }
}

/**
 * Loads a Med-cDiff model folder (model.json and shards). diffusion-core checks every shard's
 * SHA-256 against model.json and refuses missing, truncated or altered files, and weights of
 * another model class, with a WeightsError.
 */
export async function loadMedCDiffModel(store: WeightsStore): Promise<WorkerModel> {
  try {
    return new MedCDiffWorkerModel(await MedCDiffPipeline.load(store));
  } catch (e) {
    if ((e as { code?: string }).code === 'WEIGHTS_MISMATCH') {
      throw new ModelLoadError('MODEL_MISMATCH', `The model at ${store.location} is not a Med-cDiff model: ${(e as Error).message}`);
    }
    throw e;
  }
}
