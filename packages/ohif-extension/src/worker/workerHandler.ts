import { selectBackend, type BackendChoice } from '@meddiff/diffusion-core';
import { toWire } from '../errors.js';
import type { FromWorker, ToWorker } from '../model/workerProtocol.js';
import type { ModelFamily } from '../model/taskTypes.js';
import { useWasmPaths } from './backends.js';
import { loadWorkerModel } from './loadWorkerModel.js';
import type { WorkerModel } from './workerModel.js';

/** Progress messages at most this often: progress is for people, not a log. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The inference worker's logic, independent of where it runs: a Web Worker in the browser
 * (inferenceWorker.ts) or the same process in tests. It picks the tfjs backend, loads and caches
 * models, runs one task at a time and aborts a run when asked.
 */
export function createWorkerHandler(post: (message: FromWorker, transfer?: Transferable[]) => void, load: (url: string, family?: ModelFamily, pinned?: Record<string, string>) => Promise<WorkerModel> = loadWorkerModel) {
  let backend: BackendChoice | undefined;
  const models = new Map<string, Promise<WorkerModel>>();
  const running = new Map<number, AbortController>();

  function modelAt(url: string, family?: ModelFamily, pinned?: Record<string, string>): Promise<WorkerModel> {
    let p = models.get(url);
    if (!p) {
      p = load(url, family, pinned);
      models.set(url, p);
      // A failed load is not cached, so fixing the weights and running again works.
      p.catch(() => models.delete(url));
    }
    return p;
  }

  return async function handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init': {
        try {
          useWasmPaths(msg.wasmPaths);
          backend = await selectBackend(msg.preferredBackends ? { preferred: msg.preferredBackends } : {});
          post({ type: 'ready', backend: { backend: backend.backend, unavailable: backend.unavailable, summary: backend.summary } });
        } catch (e) {
          post({ type: 'init-failed', error: toWire(e) });
        }
        return;
      }
      case 'load-model': {
        try {
          const m = await modelAt(msg.url, msg.family, msg.pinned);
          post({ type: 'model', id: msg.id, card: m.card, url: msg.url });
        } catch (e) {
          post({ type: 'failed', id: msg.id, error: toWire(e) });
        }
        return;
      }
      case 'run': {
        const controller = new AbortController();
        running.set(msg.id, controller);
        try {
          if (!backend) throw new Error('the worker was asked to run before it was initialised');
          // A model is loaded (with its family) before it runs; an unknown URL is taken as Med-cDiff.
          const model = await modelAt(msg.request.modelUrl);
          let last = -Infinity;
          const result = await model.run(msg.request, {
            backend: backend.backend,
            signal: controller.signal,
            onProgress: (progress) => {
              const now = performance.now();
              if (now - last >= PROGRESS_INTERVAL_MS || progress.done === progress.total) {
                last = now;
                post({ type: 'progress', id: msg.id, progress });
              }
            },
          });
          post({ type: 'result', id: msg.id, result }, [result.pixels.buffer, ...(result.std ? [result.std.buffer] : [])]);
        } catch (e) {
          if (controller.signal.aborted || (e as Error).name === 'AbortError') post({ type: 'cancelled', id: msg.id });
          else post({ type: 'failed', id: msg.id, error: toWire(e) });
        } finally {
          running.delete(msg.id);
        }
        return;
      }
      case 'cancel':
        running.get(msg.id)?.abort();
        return;
    }
  };
}
