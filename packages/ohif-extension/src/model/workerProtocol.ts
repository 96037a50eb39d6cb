import type { BackendName, BackendReport, WasmPaths, ModelCard, ModelFamily, TaskProgress, TaskRequest, TaskResult } from './taskTypes.js';

/** Messages to the inference worker. */
export type ToWorker =
  | { type: 'init'; preferredBackends?: BackendName[]; wasmPaths?: WasmPaths }
  | { type: 'load-model'; id: number; url: string; family?: ModelFamily; pinned?: Record<string, string> }
  | { type: 'run'; id: number; request: TaskRequest }
  | { type: 'cancel'; id: number };

/** A failure, as data: errors do not cross postMessage with their class. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
}

/** Messages from the inference worker. */
export type FromWorker =
  | { type: 'ready'; backend: BackendReport }
  | { type: 'init-failed'; error: WireError }
  | { type: 'model'; id: number; card: ModelCard; url: string }
  | { type: 'progress'; id: number; progress: TaskProgress }
  | { type: 'result'; id: number; result: TaskResult }
  | { type: 'cancelled'; id: number }
  | { type: 'failed'; id: number; error: WireError };
