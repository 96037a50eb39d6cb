import type { MedCDiffPipeline, PipelineResult, RunOptions } from '@meddiff/med-cdiff';
import { ImageTooLargeError, InvalidTaskError, NoMaskError, UniformImageError } from '../errors.js';
import { outputSize, SAMPLERS, type BackendName, type ImageTaskRequest, type TaskProgress, type TaskResult } from '../model/taskTypes.js';

/** Largest result edge written: beyond it a slice is no longer a sensible single DICOM image here. */
export const MAX_OUTPUT_EDGE = 4096;
export const MAX_SAMPLES = 16;
export const MAX_STEPS = 2000;

/** Validates a request up front, one rule per message. */
export function validateRequest(r: ImageTaskRequest): void {
  const { rows, columns, pixels } = r.image;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) throw new InvalidTaskError(`The image size must be positive integers, got ${rows} x ${columns}.`);
  if (pixels.length !== rows * columns) throw new InvalidTaskError(`The image has ${pixels.length} pixels but ${rows} x ${columns} = ${rows * columns} were expected.`);
  if (r.task.kind === 'super-resolve' && r.task.factor !== 2 && r.task.factor !== 4) throw new InvalidTaskError(`Super-resolution factor must be 2 or 4, got ${String(r.task.factor)}.`);
  const out = outputSize(r.task, rows, columns);
  if (out.rows > MAX_OUTPUT_EDGE || out.columns > MAX_OUTPUT_EDGE) throw new ImageTooLargeError(out.rows, out.columns, MAX_OUTPUT_EDGE);
  const o = r.options;
  if (!SAMPLERS.includes(o.sampler)) throw new InvalidTaskError(`Unknown sampler "${String(o.sampler)}". Allowed: ${SAMPLERS.join(', ')}.`);
  if (!Number.isInteger(o.steps) || o.steps < 1 || o.steps > MAX_STEPS) throw new InvalidTaskError(`Steps must be an integer from 1 to ${MAX_STEPS}, got ${o.steps}.`);
  if (!Number.isInteger(o.samples) || o.samples < 1 || o.samples > MAX_SAMPLES) throw new InvalidTaskError(`Samples must be an integer from 1 to ${MAX_SAMPLES}, got ${o.samples}.`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new InvalidTaskError(`The seed must be a non-negative integer, got ${o.seed}.`);
  if (r.task.kind === 'inpaint') {
    if (!r.mask) throw new NoMaskError();
    if (r.mask.length !== rows * columns) throw new InvalidTaskError(`The mask has ${r.mask.length} pixels but the image has ${rows * columns}.`);
    if (!r.mask.some((v) => v !== 0)) throw new NoMaskError();
  }
  for (let i = 0; i < pixels.length; i++) {
    if (!Number.isFinite(pixels[i]!)) throw new InvalidTaskError(`The image has a non-finite value at pixel ${i}.`);
  }
  if (pixels.every((v) => v === pixels[0])) throw new UniformImageError();
}

/**
 * Runs a slice task through @meddiff/med-cdiff's pipeline, the one path the CLI takes too: it
 * normalises the slice (the model's percentiles), tiles it at the size the model was trained on,
 * batches tiles and samples (seeds from options.seed), blends, and returns the mean over samples
 * (with the per-pixel standard deviation when there are several) in modality units; inpainting
 * returns the known pixels exactly. The worker only translates the request and the result.
 * Cancelling through `signal` stops between network evaluations.
 */
export async function runTask(pipeline: MedCDiffPipeline, request: ImageTaskRequest, backend: BackendName, signal: AbortSignal, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
  validateRequest(request);
  const started = performance.now();
  const { task, image, options } = request;
  const slice = { data: image.pixels, shape: [image.rows, image.columns] as const };
  const run: RunOptions = {
    sampler: options.sampler,
    steps: options.steps,
    seed: options.seed,
    samples: options.samples,
    signal,
    onProgress: (p) => onProgress({ done: p.step, total: p.total, elapsedMs: p.elapsedMs, etaMs: p.etaMs }),
  };
  let result: PipelineResult;
  if (task.kind === 'super-resolve') result = await pipeline.superResolve(slice, { ...run, factor: task.factor });
  else if (task.kind === 'denoise') result = await pipeline.denoise(slice, run);
  else result = await pipeline.inpaint(slice, request.mask!, run);
  const [rows, columns] = result.image.shape;
  return { pixels: result.image.data, rows, columns, ...(result.std ? { std: result.std } : {}), samples: result.samples, tiles: result.tiles, backend, elapsedMs: performance.now() - started };
}
