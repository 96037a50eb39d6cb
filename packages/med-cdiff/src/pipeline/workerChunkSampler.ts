import { CancelledError, MedDiffError } from '@meddiff/diffusion-core';
import { siblingModule, startModuleWorker, type NodeBackend } from '@meddiff/diffusion-core/node';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { MedCDiffModel } from '../model';
import type { ChunkSampler, SamplingChunk } from './chunkSampler';
import type { FromSamplingWorker, SamplingWorkerSetup, ToSamplingWorker } from './samplingProtocol';

/** A sampling worker's failure, in the caller's thread, with the worker's error name and code. */
export class SamplingWorkerError extends MedDiffError {
  constructor(
    readonly workerName: string,
    code: string | undefined,
    message: string,
  ) {
    super(code ?? 'SAMPLING_WORKER_FAILED', message);
  }
}

interface Pending {
  resolve: (values: Float32Array) => void;
  reject: (e: Error) => void;
  onStep: (timestep: number) => void;
}

/**
 * Samples a pipeline's chunks on worker threads (Node), each with its own copy of the network and
 * its own tfjs backend: a slice's tiles and samples use every core. Same results as sampling in
 * this thread. `pipeline.useChunkSampler(await workerChunkSampler(pipeline.model))`.
 */
export async function workerChunkSampler(model: MedCDiffModel, o: { workers?: number; backend?: NodeBackend } = {}): Promise<ChunkSampler> {
  const weights = await Promise.all(model.unet.model.getWeights().map(async (w) => ({ data: (await w.data()) as Float32Array, shape: [...w.shape] })));
  const setup: SamplingWorkerSetup = { config: model.config, weights, backend: o.backend ?? 'wasm' };
  const n = o.workers ?? availableParallelism();
  const pending = new Map<number, Pending>();
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const workers = Array.from({ length: n }, () => startModuleWorker(siblingModule(import.meta.url, 'samplingWorker'), setup));
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  await Promise.all(
    workers.map(
      (worker, k) =>
        new Promise<void>((ready, failed) => {
          worker.on('message', (m: FromSamplingWorker) => {
            if (m.type === 'ready') return ready();
            const p = pending.get(m.id);
            if (m.type === 'step') return p?.onStep(m.timestep);
            pending.delete(m.id);
            if (m.type === 'done') p?.resolve(m.values);
            else {
              const error = m.code === 'CANCELLED' ? new CancelledError() : new SamplingWorkerError(m.name, m.code, `Sampling worker ${k} failed: ${m.message}`);
              if (m.id === -1) failed(error);
              else p?.reject(error);
            }
          });
          worker.on('error', (e) => {
            const error = new SamplingWorkerError(e.name, undefined, `Sampling worker ${k} crashed: ${e.message}`);
            failed(error);
            fail(error);
          });
        }),
    ),
  ).catch(async (e: unknown) => {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  });
  idle.push(...workers);

  let nextId = 0;
  const acquire = () => new Promise<Worker>((resolve) => (idle.length ? resolve(idle.pop()!) : waiting.push(resolve)));
  const release = (w: Worker) => (waiting.length ? waiting.shift()!(w) : idle.push(w));
  return {
    concurrency: n,
    async sample(chunk: SamplingChunk, s: { signal?: AbortSignal; onStep: (timestep: number) => void }): Promise<Float32Array> {
      const worker = await acquire();
      const id = nextId++;
      const onAbort = () => worker.postMessage({ type: 'abort', id } satisfies ToSamplingWorker);
      try {
        if (s.signal?.aborted) throw new CancelledError();
        s.signal?.addEventListener('abort', onAbort, { once: true });
        return await new Promise<Float32Array>((resolve, reject) => {
          pending.set(id, { resolve, reject, onStep: s.onStep });
          worker.postMessage({ type: 'sample', id, chunk } satisfies ToSamplingWorker);
        });
      } finally {
        s.signal?.removeEventListener('abort', onAbort);
        release(worker);
      }
    },
    async dispose() {
      fail(new CancelledError('The sampler was disposed.'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
