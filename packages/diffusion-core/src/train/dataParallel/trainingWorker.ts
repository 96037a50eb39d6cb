/**
 * A data-parallel training worker (a worker thread, started by `dataParallelGradients`): builds its
 * replica with its own tfjs backend, then for each step reads the weights the trainer wrote, computes
 * the loss and gradients of its rows of the batch and writes the gradients back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { selectNodeBackend } from '../../node';
import { registerWasmGradientKernels } from '../../runtime/wasmGradients/index';
import { lossAndGradients } from '../gradientSource';
import type { TrainingReplica } from '../trainingReplica';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

function reportError(e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  send({ type: 'error', name: error.name, code: (error as { code?: string }).code, message: error.message, stack: error.stack });
}

async function start(): Promise<void> {
  await selectNodeBackend(setup.backend);
  if (tf.getBackend() === 'wasm') registerWasmGradientKernels();
  const module = (await import(setup.replica.url)) as { createTrainingReplica?: (options: unknown) => Promise<TrainingReplica<unknown>> | TrainingReplica<unknown> };
  if (typeof module.createTrainingReplica !== 'function') throw new Error(`${setup.replica.url} does not export createTrainingReplica(options).`);
  const replica = await module.createTrainingReplica(setup.replica.options);
  replica.data.shard(setup.offset, setup.count);
  const params = replica.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const weights = new Float32Array(setup.weights);
  const grads = new Float32Array(setup.grads);
  send({ type: 'ready', shapes: params.map((p) => [...p.shape]) });

  port.on('message', (m: ToWorker) => {
    void step(m).catch(reportError);
  });

  async function step(m: ToWorker): Promise<void> {
    // 1. This step's weights, as the trainer left them.
    let at = 0;
    tf.tidy(() => {
      for (const p of params) {
        p.assign(tf.tensor(weights.subarray(at, at + p.size), p.shape));
        at += p.size;
      }
    });
    // 2. The loss and gradients of this worker's rows.
    replica.data.position = m.position;
    const batch = replica.data.describe();
    const items = replica.data.next();
    let result: { loss: tf.Scalar; grads: tf.Tensor[] } | undefined;
    try {
      result = lossAndGradients(params, () => replica.loss(items, { step: m.step, seed: m.seed, rows: { offset: setup.offset, total: setup.total } }));
      at = 0;
      for (const g of result.grads) {
        grads.set((await g.data()) as Float32Array, at);
        at += g.size;
      }
      const loss = (await result.loss.data())[0]!;
      send({ type: 'done', loss, position: replica.data.position, batch });
    } finally {
      tf.dispose(items as unknown as tf.Tensor[]);
      if (result) tf.dispose([result.loss, ...result.grads]);
    }
  }
}

start().catch(reportError);
