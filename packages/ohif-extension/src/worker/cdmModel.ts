/**
 * CDM in the worker: a contrast translation of one slice position, delegated whole to
 * @meddiff/cdm's pipeline, which normalises each source, checks that they are co-registered,
 * encodes them (MRM), draws the target representation (MDN, DDIM) and synthesises the target in
 * one C-UNet pass on the first source's grid and intensity scale.
 */
import { CdmPipeline } from '@meddiff/cdm';
import type { WeightsStore } from '@meddiff/diffusion-core';
import { InvalidTaskError, ModelLoadError } from '../errors.js';
import { isTranslateRequest, taskLabel, type ModelCard, type TaskRequest, type TaskResult } from '../model/taskTypes.js';
import { MAX_SAMPLES } from './runTask.js';
import type { RunContext, WorkerModel } from './workerModel.js';

class CdmWorkerModel implements WorkerModel {
  readonly card: ModelCard;

  constructor(private readonly pipeline: CdmPipeline) {
    const { sources, targets } = pipeline.modalities;
    const c = pipeline.card;
    this.card = {
      ...(c ?? {}),
      name: `CDM ${sources.join(' + ')} to ${targets.join(', ')}`,
      trainedOn: c?.trainedOn ?? 'not stated by the model card',
      intendedUse: c?.intendedUse ?? 'research only; not for diagnosis',
      tasks: ['translate'],
      family: 'cdm',
      modalities: { sources: [...sources], targets: [...targets] },
    };
  }

  async run(request: TaskRequest, { backend, signal, onProgress }: RunContext): Promise<TaskResult> {
    if (!isTranslateRequest(request)) throw new InvalidTaskError(`${this.card.name} translates contrasts; ${taskLabel(request.task)} needs a Med-cDiff model: choose one in the Model list.`);
    const { task, options, sources: given } = request;
    if (!Number.isInteger(options.samples) || options.samples < 1 || options.samples > MAX_SAMPLES) throw new InvalidTaskError(`Samples must be an integer from 1 to ${MAX_SAMPLES}, got ${options.samples}.`);
    if (!Number.isInteger(options.seed) || options.seed < 0) throw new InvalidTaskError(`The seed must be a non-negative integer, got ${options.seed}.`);
    const sources = Object.fromEntries(
      Object.entries(given ?? {}).map(([name, s]) => {
        if (s.pixels.length !== s.rows * s.columns) throw new InvalidTaskError(`Source ${name} has ${s.pixels.length} pixels but ${s.rows} x ${s.columns} = ${s.rows * s.columns} were expected.`);
        return [name, { data: s.pixels, shape: [s.rows, s.columns] as const, ...(s.geometry ? { geometry: s.geometry } : {}), ...(s.frameOfReferenceUID ? { frameOfReferenceUID: s.frameOfReferenceUID } : {}) }];
      }),
    );
    const started = performance.now();
    const r = await this.pipeline.translate(sources, task.target, {
      samples: options.samples,
      seed: options.seed,
      ddimSteps: options.steps,
      signal,
      onProgress: (p) =>
        onProgress({ done: p.step, total: p.total, stage: p.stage, elapsedMs: p.elapsedMs, etaMs: (p.elapsedMs / p.step) * (p.total - p.step) }),
    });
    const image = r.images[task.target]!;
    const std = r.std?.[task.target];
    return { pixels: image.data, rows: image.shape[0], columns: image.shape[1], ...(std ? { std } : {}), samples: r.samples, tiles: 1, backend, elapsedMs: performance.now() - started };
  }

  dispose(): void {
    this.pipeline.dispose();
  }
}

/** Loads a CDM model folder (cdm.json, mrm/, mdn/, cunet/; every shard's SHA-256 checked). */
export async function loadCdmModel(source: string | WeightsStore): Promise<WorkerModel> {
  try {
    return new CdmWorkerModel(await CdmPipeline.load(source));
  } catch (e) {
    if ((e as { code?: string }).code === 'WEIGHTS_MISMATCH') {
      throw new ModelLoadError('MODEL_MISMATCH', `The model at ${typeof source === 'string' ? source : source.location} is not a CDM model: ${(e as Error).message}`);
    }
    throw e;
  }
}
