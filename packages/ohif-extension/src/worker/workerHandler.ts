import { selectBackend, type BackendChoice } from '@meddiff/diffusion-core';
import { toWire } from '../errors.js';
import type { FromWorker, ToWorker } from '../model/workerProtocol.js';
import { loadPipeline, type Pipeline } from './pipeline.js';
import { runTask } from './runTask.js';

/** Progress messages at most this often: progress is for people, not a log. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The inference worker's logic, independent of where it runs: a Web Worker in the browser
 * (inferenceWorker.ts) or the same process in tests. It picks the tfjs backend, loads and caches
 * models, runs one task at a time and aborts a run when asked.
 */
export function createWorkerHandler(post: (message: FromWorker, transfer?: Transferable[]) => void, load: (url: string) => Promise<Pipeline> = loadPipeline) {
  let backend: BackendChoice | undefined;
  const pipelines = new Map<string, Promise<Pipeline>>();
  const running = new Map<number, AbortController>();

  function pipelineFor(url: string): Promise<Pipeline> {
    let p = pipelines.get(url);
    if (!p) {
      p = load(url);
      pipelines.set(url, p);
      // A failed load is not cached, so fixing the weights and running again works.
      p.catch(() => pipelines.delete(url));
    }
    return p;
  }

  return async function handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init': {
        try {
          backend = await selectBackend({ ...(msg.preferredBackends ? { preferred: msg.preferredBackends } : {}), ...(msg.wasmPaths ? { wasmPaths: msg.wasmPaths } : {}) });
          post({ type: 'ready', backend: { backend: backend.backend, unavailable: backend.unavailable, summary: backend.summary } });
        } catch (e) {
          post({ type: 'init-failed', error: toWire(e) });
        }
        return;
      }
      case 'load-model': {
        try {
          const p = await pipelineFor(msg.url);
          post({ type: 'model', id: msg.id, card: p.card, url: msg.url });
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
          const pipeline = await pipelineFor(msg.request.modelUrl);
          let last = -Infinity;
          const result = await runTask(pipeline, msg.request, backend.backend, controller.signal, (progress) => {
            const now = performance.now();
            if (now - last >= PROGRESS_INTERVAL_MS || progress.done === progress.total) {
              last = now;
              post({ type: 'progress', id: msg.id, progress });
            }
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
