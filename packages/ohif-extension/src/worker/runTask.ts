import type { MedCDiffPipeline, PipelineResult, RunOptions } from '@meddiff/med-cdiff';
import { ImageTooLargeError, InvalidTaskError, NoMaskError, UniformImageError } from '../errors.js';
import { outputSize, SAMPLERS, type BackendName, type ImageSeriesRequest, type ImageTaskRequest, type TaskImage, type TaskProgress, type TaskResult } from '../model/taskTypes.js';

/** Largest result edge written: beyond it a slice is no longer a sensible single DICOM image here. */
export const MAX_OUTPUT_EDGE = 4096;
export const MAX_SAMPLES = 16;
export const MAX_STEPS = 2000;

/** Validates a request up front, one rule per message. */
export function validateRequest(r: ImageTaskRequest): void {
  validateSeriesRequest({ task: r.task, images: [r.image], ...(r.mask ? { masks: [r.mask] } : {}), options: r.options, modelUrl: r.modelUrl });
}

/** Validates a request of one or more slices up front, one rule per message; a slice of several is named by its index. */
export function validateSeriesRequest(r: ImageSeriesRequest): void {
  if (r.images.length === 0) throw new InvalidTaskError('The request has no slices.');
  const of = (k: number) => (r.images.length > 1 ? ` (slice ${k + 1} of ${r.images.length})` : '');
  const { rows, columns } = r.images[0]!;
  r.images.forEach((image, k) => {
    if (!Number.isInteger(image.rows) || !Number.isInteger(image.columns) || image.rows < 1 || image.columns < 1) throw new InvalidTaskError(`The image size must be positive integers, got ${image.rows} x ${image.columns}${of(k)}.`);
    if (image.pixels.length !== image.rows * image.columns) throw new InvalidTaskError(`The image has ${image.pixels.length} pixels but ${image.rows} x ${image.columns} = ${image.rows * image.columns} were expected${of(k)}.`);
    if (image.rows !== rows || image.columns !== columns) throw new InvalidTaskError(`The slices of one request share one size: slice ${k + 1} is ${image.rows} x ${image.columns}, slice 1 is ${rows} x ${columns}.`);
  });
  if (r.task.kind === 'super-resolve' && r.task.factor !== 2 && r.task.factor !== 4) throw new InvalidTaskError(`Super-resolution factor must be 2 or 4, got ${String(r.task.factor)}.`);
  const out = outputSize(r.task, rows, columns);
  if (out.rows > MAX_OUTPUT_EDGE || out.columns > MAX_OUTPUT_EDGE) throw new ImageTooLargeError(out.rows, out.columns, MAX_OUTPUT_EDGE);
  const o = r.options;
  if (!SAMPLERS.includes(o.sampler)) throw new InvalidTaskError(`Unknown sampler "${String(o.sampler)}". Allowed: ${SAMPLERS.join(', ')}.`);
  if (!Number.isInteger(o.steps) || o.steps < 1 || o.steps > MAX_STEPS) throw new InvalidTaskError(`Steps must be an integer from 1 to ${MAX_STEPS}, got ${o.steps}.`);
  if (!Number.isInteger(o.samples) || o.samples < 1 || o.samples > MAX_SAMPLES) throw new InvalidTaskError(`Samples must be an integer from 1 to ${MAX_SAMPLES}, got ${o.samples}.`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new InvalidTaskError(`The seed must be a non-negative integer, got ${o.seed}.`);
  const range = r.normalization;
  if (range && !(Number.isFinite(range.low) && Number.isFinite(range.high) && range.high > range.low)) throw new InvalidTaskError(`The normalisation range must be finite with high > low, got ${range.low} to ${range.high}.`);
  if (r.task.kind === 'inpaint') {
    if (!r.masks || r.masks.length !== r.images.length) throw new NoMaskError();
    r.masks.forEach((mask, k) => {
      if (mask.length !== rows * columns) throw new InvalidTaskError(`The mask has ${mask.length} pixels but the image has ${rows * columns}${of(k)}.`);
      if (!mask.some((v) => v !== 0)) throw new NoMaskError();
    });
  }
  r.images.forEach(({ pixels }, k) => {
    for (let i = 0; i < pixels.length; i++) {
      if (!Number.isFinite(pixels[i]!)) throw new InvalidTaskError(`The image has a non-finite value at pixel ${i}${of(k)}.`);
    }
    // With the series' range a uniform slice (e.g. air beyond the head) is normalised like the others.
    if (!range && pixels.every((v) => v === pixels[0])) throw new UniformImageError();
  });
}

/**
 * Runs a slice task through @meddiff/med-cdiff's pipeline, the one path the CLI takes too: it
 * normalises the slice (the model's percentiles), tiles it at the size the model was trained on,
 * batches tiles and samples (seeds from options.seed), blends, and returns the mean over samples
 * (with the per-pixel standard deviation when there are several) in modality units; inpainting
 * returns the known pixels exactly. The worker only translates the request and the result.
 * Cancelling through `signal` stops between network evaluations.
 */
export function runTask(pipeline: MedCDiffPipeline, request: ImageTaskRequest, backend: BackendName, signal: AbortSignal, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
  const { image, mask, ...rest } = request;
  return runSeriesTask(pipeline, { ...rest, images: [image], ...(mask ? { masks: [mask] } : {}) }, backend, signal, onProgress);
}

/**
 * Runs a task on several slices of one size in one pipeline call (`superResolveSlices` and the
 * others), which batches their tiles and samples through the network together; the result stacks
 * the slices' outputs in order. One slice is the single-slice case.
 */
export async function runSeriesTask(pipeline: MedCDiffPipeline, request: ImageSeriesRequest, backend: BackendName, signal: AbortSignal, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
  validateSeriesRequest(request);
  const started = performance.now();
  const { task, images, options, normalization } = request;
  const slices = images.map((image: TaskImage) => ({ data: image.pixels, shape: [image.rows, image.columns] as const }));
  const run: RunOptions = {
    sampler: options.sampler,
    steps: options.steps,
    seed: options.seed,
    samples: options.samples,
    ...(normalization ? { normalization: { low: normalization.low, high: normalization.high, method: 'percentile' as const } } : {}),
    signal,
    onProgress: (p) => onProgress({ done: p.step, total: p.total, elapsedMs: p.elapsedMs, etaMs: p.etaMs }),
  };
  let results: PipelineResult[];
  if (task.kind === 'super-resolve') results = await pipeline.superResolveSlices(slices, { ...run, factor: task.factor });
  else if (task.kind === 'denoise') results = await pipeline.denoiseSlices(slices, run);
  else results = await pipeline.inpaintSlices(slices, request.masks!, run);
  const [rows, columns] = results[0]!.image.shape;
  const stack = (parts: Float32Array[]) => {
    if (parts.length === 1) return parts[0]!;
    const out = new Float32Array(parts.length * rows * columns);
    parts.forEach((p, k) => out.set(p, k * rows * columns));
    return out;
  };
  const std = results.every((r) => r.std) ? stack(results.map((r) => r.std!)) : undefined;
  return {
    pixels: stack(results.map((r) => r.image.data)),
    rows,
    columns,
    ...(std ? { std } : {}),
    samples: results[0]!.samples,
    tiles: results[0]!.tiles,
    ...(results.length > 1 ? { depth: results.length } : {}),
    backend,
    elapsedMs: performance.now() - started,
  };
}
