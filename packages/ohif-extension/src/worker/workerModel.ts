/**
 * What the inference worker holds for each loaded model folder: the model's card and how it runs a
 * request. One adapter per model family (medCDiffModel.ts, cdmModel.ts), loaded by
 * loadWorkerModel.ts; the worker knows only this interface.
 */
import type { BackendName, ModelCard, TaskProgress, TaskRequest, TaskResult } from '../model/taskTypes.js';

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
