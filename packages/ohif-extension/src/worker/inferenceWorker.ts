/// <reference lib="webworker" />
/**
 * The inference worker: picks the tfjs backend (WebGPU, then WebGL, then WASM), loads models, runs
 * tasks and reports progress, so the viewer's main thread never waits on a model. One run at a
 * time; a cancel aborts the run between network evaluations.
 */
import { selectBackend, type BackendChoice } from '@meddiff/diffusion-core';
import { toWire } from '../errors.js';
import type { FromWorker, ToWorker } from '../model/workerProtocol.js';
import { loadPipeline, type Pipeline } from './pipeline.js';
import { runTask } from './runTask.js';

declare const self: DedicatedWorkerGlobalScope;

let backend: BackendChoice | undefined;
const pipelines = new Map<string, Promise<Pipeline>>();
const running = new Map<number, AbortController>();

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function pipelineFor(url: string): Promise<Pipeline> {
  let p = pipelines.get(url);
  if (!p) {
    p = loadPipeline(url);
    pipelines.set(url, p);
    // A failed load is not cached, so fixing the weights and running again works.
    p.catch(() => pipelines.delete(url));
  }
  return p;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      try {
        backend = await selectBackend({ ...(msg.preferredBackends ? { preferred: msg.preferredBackends } : {}), wasmPaths: msg.wasmPaths });
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
        let last = 0;
        const result = await runTask(pipeline, msg.request, backend.backend, controller.signal, (progress) => {
          // At most ~10 messages a second: progress is for people, not a log.
          const now = performance.now();
          if (now - last > 100 || progress.done === progress.total) {
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
}

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  void handle(event.data);
});
