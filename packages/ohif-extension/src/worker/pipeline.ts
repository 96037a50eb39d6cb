/**
 * Med-cDiff's side of the worker: how one pass of a slice task runs on a loaded model. runTask
 * (tiling, samples, normalisation, progress, cancel) talks to the model only through `Pipeline`;
 * workerModel.ts wraps both as the worker's Med-cDiff model.
 *
 * A pass is delegated whole to @meddiff/med-cdiff's pipeline: it builds the task's condition (the
 * bicubic-upsampled tile for super-resolution, the masked tile and mask for inpainting), pads to
 * the network's multiple, samples and, for inpainting, returns the known pixels exactly. The tile
 * arrives already normalised to [-1, 1] by runTask, so the pipeline is told that [-1, 1] is the
 * identity normalisation.
 */
import { httpWeightsStore, type WeightsStore } from '@meddiff/diffusion-core';
import { MedCDiffPipeline, type MedCDiffTask, type RunOptions } from '@meddiff/med-cdiff';
import type { NormalizationStats } from '@meddiff/imaging';
import { ModelLoadError, NoMaskError } from '../errors.js';
import type { ModelCard, SamplingOptions, Task } from '../model/taskTypes.js';

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

const IDENTITY: NormalizationStats = { low: -1, high: 1, method: 'fixed' };

const VIEWER_TASK: Record<MedCDiffTask, Task['kind']> = { 'super-resolution': 'super-resolve', denoising: 'denoise', inpainting: 'inpaint' };

class MedCDiffPassPipeline implements Pipeline {
  readonly card: ModelCard;

  constructor(private readonly pipeline: MedCDiffPipeline) {
    const c = pipeline.model.card;
    const config = pipeline.model.config;
    const factors = config.task === 'super-resolution' ? ` (x${config.degradation.factors.join(', x')})` : '';
    this.card = {
      ...(c ?? {}),
      name: `Med-cDiff ${config.task}${factors}`,
      trainedOn: c?.trainedOn ?? 'not stated by the model card',
      intendedUse: c?.intendedUse ?? 'research only; not for diagnosis',
      tasks: [VIEWER_TASK[config.task]],
    };
  }

  evaluations(steps: number): number {
    return steps;
  }

  async run(input: PassInput): Promise<Float32Array> {
    const image = { data: input.image, shape: [input.rows, input.columns] as const };
    const options: RunOptions = {
      sampler: input.sampling.sampler,
      steps: input.sampling.steps,
      seed: input.sampling.seed,
      normalization: IDENTITY,
      // runTask has already cut the slice into passes: the pipeline must not tile again.
      tileSize: this.passSize(input),
      signal: input.signal,
      onProgress: () => input.onStep(),
    };
    const { task } = input;
    const result =
      task.kind === 'super-resolve'
        ? await this.pipeline.superResolve(image, { ...options, factor: task.factor })
        : task.kind === 'denoise'
          ? await this.pipeline.denoise(image, options)
          : await this.pipeline.inpaint(image, input.mask ?? failNoMask(), options);
    return result.image.data;
  }

  dispose(): void {
    this.pipeline.dispose();
  }

  /** The output edge of this pass, rounded up to the network's multiple. */
  private passSize(input: PassInput): number {
    const factor = input.task.kind === 'super-resolve' ? input.task.factor : 1;
    const m = this.pipeline.model.unet.sizeMultiple;
    return Math.ceil((Math.max(input.rows, input.columns) * factor) / m) * m;
  }
}

function failNoMask(): never {
  throw new NoMaskError();
}

/**
 * Loads a Med-cDiff model from a folder URL (model.json and shards). diffusion-core checks every
 * shard's SHA-256 against model.json and refuses missing, truncated or altered files, and weights
 * of another model class, with a WeightsError.
 */
export async function loadPipeline(source: string | WeightsStore): Promise<Pipeline> {
  const store = typeof source === 'string' ? httpWeightsStore(source) : source;
  try {
    return new MedCDiffPassPipeline(await MedCDiffPipeline.load(store));
  } catch (e) {
    if ((e as { code?: string }).code === 'WEIGHTS_MISMATCH') {
      throw new ModelLoadError('MODEL_MISMATCH', `The model at ${store.location} is not a Med-cDiff model: ${(e as Error).message}`);
    }
    throw e;
  }
}
