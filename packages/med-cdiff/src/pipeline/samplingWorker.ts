/**
 * A sampling worker thread (started by `workerChunkSampler`): builds the pipeline's network from
 * its config and weights with its own tfjs backend, then samples the chunks it is sent. A build
 * entry of its own (dist/samplingWorker.js).
 */
import * as tf from '@tensorflow/tfjs-core';
import { NoiseSchedule } from '@meddiff/diffusion-core';
import { selectNodeBackend } from '@meddiff/diffusion-core/node';
import { parentPort, workerData } from 'node:worker_threads';
import { MedCDiffModel } from '../model';
import { sampleChunk } from './chunkSampler';
import type { FromSamplingWorker, SamplingWorkerSetup, ToSamplingWorker } from './samplingProtocol';

const setup = workerData as SamplingWorkerSetup;
const port = parentPort!;
const send = (m: FromSamplingWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  await selectNodeBackend(setup.backend);
  const model = MedCDiffModel.create(setup.config);
  const weights = setup.weights.map((w) => tf.tensor(w.data, w.shape));
  model.unet.model.setWeights(weights);
  tf.dispose(weights);
  const schedule = new NoiseSchedule(setup.config.noiseSchedule);
  const running = new Map<number, AbortController>();
  port.on('message', (m: ToSamplingWorker) => {
    if (m.type === 'abort') return running.get(m.id)?.abort();
    const controller = new AbortController();
    running.set(m.id, controller);
    sampleChunk(model, schedule, m.chunk, { signal: controller.signal, onStep: (timestep) => send({ type: 'step', id: m.id, timestep }) })
      .then((values) => send({ type: 'done', id: m.id, values }, [values.buffer as ArrayBuffer]))
      .catch((e: Error) => send({ type: 'error', id: m.id, name: e.name, code: (e as { code?: string }).code, message: e.message }))
      .finally(() => running.delete(m.id));
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', id: -1, name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message });
}
