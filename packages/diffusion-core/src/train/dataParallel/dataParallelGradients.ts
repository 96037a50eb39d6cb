import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ConfigError, MedDiffError } from '../../errors';
import type { NodeBackend } from '../../node';
import { siblingModule } from '../../runtime/siblingModule';
import { startModuleWorker } from '../../runtime/startModuleWorker';
import type { BatchSourcePosition } from '../batchSource';
import type { GradientSource, StepGradients } from '../gradientSource';
import type { TrainingReplicaModule } from '../trainingReplica';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';

export interface DataParallelOptions {
  /** The trainer's model: its parameters' shapes size the shared buffers, and every replica must match them. */
  model: tfl.LayersModel;
  /** What each worker builds: a module exporting `createTrainingReplica(options)`, and the options. */
  replica: TrainingReplicaModule;
  /** Rows of each global batch, split as evenly as possible over the workers. */
  batchSize: number;
  /** Worker threads; default the cores available (at most one per row). */
  workers?: number;
  backend?: NodeBackend;
}

/** A worker's failure, re-thrown in the trainer's thread with the worker's error name and code. */
export class TrainingWorkerError extends MedDiffError {
  constructor(
    readonly workerName: string,
    readonly workerCode: string | undefined,
    message: string,
  ) {
    super(workerCode ?? 'TRAINING_WORKER_FAILED', message);
  }
}

class TrainingWorker {
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    readonly worker: Worker,
    readonly setup: WorkerSetup,
    readonly index: number,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') this.fail(new TrainingWorkerError(m.name, m.code, `Training worker ${index} failed: ${m.message}`));
      else this.settle((p) => p.resolve(m));
    });
    worker.on('error', (e) => this.fail(new TrainingWorkerError(e.name, undefined, `Training worker ${index} crashed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new TrainingWorkerError('WorkerExit', undefined, `Training worker ${index} exited (code ${code}).`)));
  }

  /** The worker's next message (its answer to the last request). */
  next(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.settle((p) => p.reject(this.failure!));
  }

  private settle(f: (p: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending;
    this.pending = null;
    if (p) f(p);
  }
}

/**
 * Data-parallel gradients over worker threads, each with its own tfjs backend and its own replica
 * of the network: every step, the trainer's weights go to the workers through shared memory, each
 * worker computes the gradients of its rows of the batch, and their row-weighted mean is the
 * gradient of the whole batch. Random draws are made per row of the global batch (`drawRows`,
 * `IndexedBatchSource`), so any number of workers trains as one thread does, to float rounding.
 * Resolves once every worker has built its replica.
 */
export async function dataParallelGradients(o: DataParallelOptions): Promise<GradientSource & { readonly workers: number }> {
  const shapes = o.model.trainableWeights.map((w) => [...w.shape] as number[]);
  const size = shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
  const requested = o.workers ?? availableParallelism();
  if (!Number.isInteger(requested) || requested < 1) throw new ConfigError(`workers must be a positive integer, got ${requested}.`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new ConfigError(`batchSize must be a positive integer, got ${o.batchSize}.`);
  const n = Math.min(requested, o.batchSize);
  const weights = new SharedArrayBuffer(size * 4);
  const workers: TrainingWorker[] = [];
  for (let k = 0, offset = 0; k < n; k++) {
    const count = Math.floor(o.batchSize / n) + (k < o.batchSize % n ? 1 : 0);
    const setup: WorkerSetup = { replica: o.replica, backend: o.backend ?? 'wasm', offset, count, total: o.batchSize, weights, grads: new SharedArrayBuffer(size * 4) };
    workers.push(new TrainingWorker(startModuleWorker(siblingModule(import.meta.url, 'trainingWorker'), setup, [setup.replica.url]), setup, k));
    offset += count;
  }
  const stop = () => Promise.all(workers.map((w) => w.worker.terminate())).then(() => undefined);
  try {
    const ready = await Promise.all(workers.map((w) => w.next()));
    ready.forEach((m, k) => {
      if (m.type !== 'ready' || JSON.stringify(m.shapes) !== JSON.stringify(shapes)) {
        throw new ConfigError(`Training worker ${k} built a network whose parameters (${m.type === 'ready' ? m.shapes.length : 0}) differ from the trainer's model (${shapes.length}): ${o.replica.url} must build the same network from the same options.`);
      }
    });
  } catch (e) {
    await stop();
    throw e;
  }

  const weightsView = new Float32Array(weights);
  let position: BatchSourcePosition = { epoch: 0, index: 0 };
  return {
    workers: n,
    get position() {
      return position;
    },
    set position(p: BatchSourcePosition) {
      position = p;
    },
    async compute(params: tf.Variable[], context: { step: number; seed: number }): Promise<StepGradients> {
      let at = 0;
      for (const p of params) {
        weightsView.set((await p.data()) as Float32Array, at);
        at += p.size;
      }
      const answers = workers.map((w) => w.next());
      workers.forEach((w) => w.send({ type: 'step', ...context, position }));
      const done = (await Promise.all(answers)) as Array<Extract<FromWorker, { type: 'done' }>>;
      // The batch's mean loss and gradient: each worker's mean weighted by its share of the rows.
      const shares = workers.map((w) => w.setup.count / o.batchSize);
      const views = workers.map((w) => new Float32Array(w.setup.grads));
      const sum = new Float32Array(size);
      views.forEach((v, k) => {
        const s = shares[k]!;
        for (let i = 0; i < size; i++) sum[i]! += s * v[i]!;
      });
      at = 0;
      const grads = params.map((p) => {
        const g = tf.tensor(sum.subarray(at, at + p.size), p.shape);
        at += p.size;
        return g;
      });
      position = done[0]!.position;
      return { loss: tf.scalar(done.reduce((a, d, k) => a + shares[k]! * d.loss, 0)), grads, batch: done[0]!.batch };
    },
    dispose: stop,
  };
}
