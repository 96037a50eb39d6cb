/**
 * THE model-specific file of the extension: how one pass of a task runs on a loaded model.
 * Everything else (worker, tiling, samples, normalisation, progress, cancel) is model-agnostic and
 * talks to the model only through `Pipeline`.
 *
 * Today this wires @meddiff/diffusion-core directly: a conditional U-Net (the noisy image and the
 * condition image concatenated on the channel axis, as Med-cDiff) loaded from a diffusion-core
 * weights folder, sampled with the chosen scheduler. When @meddiff/med-cdiff publishes its
 * pipelines (superResolve, denoise, inpaint, loading weights by URL with an integrity check), this
 * file is replaced by a thin adapter to them and nothing else changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DdimScheduler,
  DdpmScheduler,
  DpmSolverMultistepScheduler,
  NoiseSchedule,
  httpWeightsStore,
  loadUNet,
  sample,
  type Scheduler,
  type UNet,
  type WeightsStore,
} from '@meddiff/diffusion-core';
import { ModelLoadError, NoMaskError } from '../errors.js';
import { cropPadding, padToMultiple, resize2d } from '@meddiff/imaging';
import type { ModelCard, SamplerName, SamplingOptions, Task } from '../model/taskTypes.js';

/** One pass on one tile, at the model's scale: values normalised to [-1, 1]. */
export interface PassInput {
  task: Task;
  /** The input tile (low resolution for super-resolution), rows x columns. */
  image: Float32Array;
  rows: number;
  columns: number;
  /** Inpainting: 1 where pixels are generated. */
  mask?: Uint8Array;
  sampling: Pick<SamplingOptions, 'sampler' | 'steps' | 'seed'>;
  signal: AbortSignal;
  /** Called after each network evaluation. */
  onStep: () => void;
}

export interface Pipeline {
  readonly card: ModelCard;
  /** Network evaluations one pass makes for `steps` (what progress counts). */
  evaluations(steps: number): number;
  /** Runs one pass; returns the output tile, normalised, (rows x factor) x (columns x factor). */
  run(input: PassInput): Promise<Float32Array>;
  dispose(): void;
}

function scheduler(name: SamplerName, schedule: NoiseSchedule): Scheduler {
  switch (name) {
    case 'ddpm':
      return new DdpmScheduler(schedule);
    case 'ddim':
      return new DdimScheduler(schedule);
    case 'dpm-solver':
      return new DpmSolverMultistepScheduler(schedule);
  }
}

class ConditionalUNetPipeline implements Pipeline {
  // Med-cDiff's schedule: linear betas 1e-4 to 0.02, T = 2000 (the diffusion-core default).
  private readonly schedule = new NoiseSchedule();

  constructor(
    private readonly unet: UNet,
    readonly card: ModelCard,
  ) {}

  evaluations(steps: number): number {
    return steps;
  }

  async run(input: PassInput): Promise<Float32Array> {
    const { task, rows, columns } = input;
    const factor = task.kind === 'super-resolve' ? task.factor : 1;
    const outRows = rows * factor;
    const outCols = columns * factor;
    // Med-cDiff conditions super-resolution on the low-resolution image upsampled to the output size.
    const condition = factor === 1 ? input.image : resize2d(input.image, rows, columns, outRows, outCols, 'bicubic');
    const m = this.unet.sizeMultiple;
    const padded = padToMultiple(condition, outRows, outCols, m, { mode: 'reflect' });
    const shape = [1, padded.rows, padded.cols, 1];
    const cond = tf.tensor4d(padded.data, [1, padded.rows, padded.cols, 1]);
    let known: tf.Tensor | undefined;
    let fill: tf.Tensor | undefined;
    if (task.kind === 'inpaint') {
      if (!input.mask) throw new NoMaskError();
      const maskPadded = padToMultiple(Float32Array.from(input.mask), rows, columns, m, { mode: 'constant', value: 0 });
      fill = tf.tensor4d(maskPadded.data, shape as [number, number, number, number]);
      known = cond;
    }
    let out: tf.Tensor | undefined;
    try {
      out = await sample({
        scheduler: scheduler(input.sampling.sampler, this.schedule),
        denoiser: (x, t) => tf.tidy(() => this.unet.apply({ x: tf.concat([x as tf.Tensor4D, cond], 3), timesteps: t })),
        shape,
        numInferenceSteps: input.sampling.steps,
        seed: input.sampling.seed,
        signal: input.signal,
        onProgress: () => input.onStep(),
        ...(known && fill ? { inpainting: { known, regionToFill: fill } } : {}),
      });
      const data = (await out.data()) as Float32Array;
      return cropPadding(data, padded.rows, padded.cols, padded.padding);
    } finally {
      out?.dispose();
      cond.dispose();
      fill?.dispose();
    }
  }

  dispose(): void {
    this.unet.dispose();
  }
}

/**
 * Loads a model from a folder URL (model.json and shards). diffusion-core checks every shard's
 * SHA-256 against model.json and refuses missing, truncated or altered files with a WeightsError.
 */
export async function loadPipeline(source: string | WeightsStore): Promise<Pipeline> {
  const store = typeof source === 'string' ? httpWeightsStore(source) : source;
  const where = store.location;
  const { unet, metadata } = await loadUNet(store);
  if (unet.config.inChannels !== 2 || unet.config.outChannels !== 1 || !unet.config.timeEmbedding) {
    unet.dispose();
    throw new ModelLoadError('MODEL_MISMATCH', `The model at ${where} is not a conditional diffusion U-Net (it has ${unet.config.inChannels} input and ${unet.config.outChannels} output channels); choose a Med-cDiff model.`);
  }
  const card = (metadata.card ?? {}) as Partial<ModelCard>;
  return new ConditionalUNetPipeline(unet, {
    ...card,
    name: card.name ?? 'Unnamed model',
    trainedOn: card.trainedOn ?? 'not stated by the model card',
    intendedUse: card.intendedUse ?? 'research only; not for diagnosis',
  });
}
