import { BackendUnavailableError, fromWire, TaskCancelledError, WorkerCrashedError } from '../errors.js';
import type { FromWorker, ToWorker } from './workerProtocol.js';
import type { BackendName, BackendReport, WasmPaths, ModelCard, ModelFamily, TaskProgress, TaskRequest, TaskResult } from './taskTypes.js';

/** The part of Worker the client uses, so tests can give it an in-process double of the same protocol. */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (e: Error) => void;
  onProgress?: (p: TaskProgress) => void;
}

export interface InferenceClientOptions {
  createWorker: () => WorkerLike;
  /** Where tfjs-backend-wasm's .wasm files are (browsers; Node finds them itself). */
  wasmPaths?: WasmPaths;
  preferredBackends?: BackendName[];
}

/**
 * The main thread's side of the inference worker: starts it on first use, reports the backend,
 * loads models and runs tasks with progress and cancellation. If the worker dies, every pending
 * call fails with WorkerCrashedError and the next call starts a fresh worker.
 */
export class InferenceClient {
  private worker: WorkerLike | undefined;
  private readyPromise: Promise<BackendReport> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: InferenceClientOptions) {}

  /** Starts the worker if needed and says which backend runs and why. */
  ready(): Promise<BackendReport> {
    if (!this.readyPromise) {
      const worker = this.options.createWorker();
      this.worker = worker;
      this.readyPromise = new Promise<BackendReport>((resolve, reject) => {
        worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
          const m = e.data;
          if (m.type === 'ready') return resolve(m.backend);
          if (m.type === 'init-failed') return reject(new BackendUnavailableError(m.error.message));
          this.onMessage(m);
        });
        worker.addEventListener('error', (e: ErrorEvent) => {
          const crash = new WorkerCrashedError(e.message || 'unknown error');
          reject(crash);
          this.failAll(crash);
          worker.terminate();
          this.reset();
        });
      });
      this.readyPromise.catch(() => this.reset());
      worker.postMessage({ type: 'init', ...(this.options.wasmPaths ? { wasmPaths: this.options.wasmPaths } : {}), ...(this.options.preferredBackends ? { preferredBackends: this.options.preferredBackends } : {}) });
    }
    return this.readyPromise;
  }

  /**
   * Loads (and verifies) the model folder at `url`; `family` says which kind of model it holds
   * (default Med-cDiff); `pinned` gives the SHA-256 its JSON files must have (the models index's).
   */
  async loadModel(url: string, family?: ModelFamily, pinned?: Record<string, string>): Promise<ModelCard> {
    await this.ready();
    return this.call<ModelCard>({ type: 'load-model', id: this.nextId++, url, ...(family ? { family } : {}), ...(pinned ? { pinned } : {}) });
  }

  async run(request: TaskRequest, { signal, onProgress }: { signal?: AbortSignal; onProgress?: (p: TaskProgress) => void } = {}): Promise<TaskResult> {
    await this.ready();
    if (signal?.aborted) throw new TaskCancelledError();
    const id = this.nextId++;
    const onAbort = () => this.worker?.postMessage({ type: 'cancel', id });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The pixels are copied, not transferred: the caller keeps its image.
      return await this.call<TaskResult>({ type: 'run', id, request }, onProgress);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the worker; pending calls fail as cancelled. */
  terminate(): void {
    this.failAll(new TaskCancelledError());
    this.worker?.terminate();
    this.reset();
  }

  private call<T>(message: Extract<ToWorker, { id: number }>, onProgress?: (p: TaskProgress) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, { resolve: resolve as (v: never) => void, reject, ...(onProgress ? { onProgress } : {}) });
      this.worker!.postMessage(message);
    });
  }

  private onMessage(m: FromWorker): void {
    if (!('id' in m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'progress':
        p.onProgress?.(m.progress);
        return;
      case 'model':
        this.pending.delete(m.id);
        p.resolve(m.card as never);
        return;
      case 'result':
        this.pending.delete(m.id);
        p.resolve(m.result as never);
        return;
      case 'cancelled':
        this.pending.delete(m.id);
        p.reject(new TaskCancelledError());
        return;
      case 'failed':
        this.pending.delete(m.id);
        p.reject(fromWire(m.error));
        return;
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private reset(): void {
    this.worker = undefined;
    this.readyPromise = undefined;
  }
}
