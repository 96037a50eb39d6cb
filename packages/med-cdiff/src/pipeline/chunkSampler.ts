import * as tf from '@tensorflow/tfjs-core';
import { sample, type NoiseSchedule } from '@meddiff/diffusion-core';
import type { MedCDiffModel } from '../model';
import { makeScheduler, type SamplerName } from './samplers';

/** One network batch of a pipeline call: tiles x samples of one slice, sampled together. */
export interface SamplingChunk {
  /** Normalised condition tiles, batch * rows * cols * channels, channels last. */
  condition: Float32Array;
  /** Inpainting: the known image and the region to fill, batch * rows * cols each. */
  known?: Float32Array;
  fill?: Float32Array;
  batch: number;
  rows: number;
  cols: number;
  channels: number;
  sampler: SamplerName;
  steps: number;
  seed: number;
  /** The sampler's noise scale (RunOptions.temperature). */
  temperature: number;
}

/**
 * Where a pipeline samples its chunks: in this thread (`LocalChunkSampler`, the default), or on
 * worker threads (`workerChunkSampler` from `@meddiff/med-cdiff/node`), `concurrency` at a time.
 * A chunk's result depends only on the chunk, so both give the same images.
 */
export interface ChunkSampler {
  readonly concurrency: number;
  /** The sampled tiles, batch * rows * cols values (diffusion space). `onStep` after every step, with its timestep. */
  sample(chunk: SamplingChunk, o: { signal?: AbortSignal; onStep: (timestep: number) => void }): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Samples a chunk with `model` in this thread's tfjs backend; leaves no tensor behind. */
export async function sampleChunk(model: MedCDiffModel, schedule: NoiseSchedule, c: SamplingChunk, o: { signal?: AbortSignal; onStep: (timestep: number) => void }): Promise<Float32Array> {
  const tensors: tf.Tensor[] = [];
  try {
    const condition = tf.tensor4d(c.condition, [c.batch, c.rows, c.cols, c.channels]);
    tensors.push(condition);
    let inpainting;
    if (c.known && c.fill) {
      const known = tf.tensor4d(c.known, [c.batch, c.rows, c.cols, 1]);
      const regionToFill = tf.tensor4d(c.fill, [c.batch, c.rows, c.cols, 1]);
      tensors.push(known, regionToFill);
      inpainting = { known, regionToFill };
    }
    const result = await sample({
      scheduler: makeScheduler(c.sampler, schedule, model.config.objective),
      denoiser: model.denoiser(condition),
      shape: [c.batch, c.rows, c.cols, 1],
      numInferenceSteps: c.steps,
      seed: c.seed,
      temperature: c.temperature,
      ...(inpainting ? { inpainting } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (q) => o.onStep(q.timestep),
    });
    tensors.push(result);
    return (await result.data()) as Float32Array;
  } finally {
    tf.dispose(tensors);
  }
}

/** Chunks sampled one at a time in this thread: the pipeline's default, on every platform. */
export class LocalChunkSampler implements ChunkSampler {
  readonly concurrency = 1;

  constructor(
    private readonly model: MedCDiffModel,
    private readonly schedule: NoiseSchedule,
  ) {}

  sample(chunk: SamplingChunk, o: { signal?: AbortSignal; onStep: (timestep: number) => void }): Promise<Float32Array> {
    return sampleChunk(this.model, this.schedule, chunk, o);
  }

  async dispose(): Promise<void> {}
}
