import { applyNormalization, blendTiles, computeNormalization, planTiles, splitTiles, type NormalizationStats, type TileLayout } from '@meddiff/imaging';
import { CancelledError } from '@meddiff/diffusion-core';
import { ImageTooLargeError, InvalidTaskError, NoMaskError, UniformImageError } from '../errors.js';
import { outputSize, SAMPLERS, type BackendName, type ImageTaskRequest, type TaskProgress, type TaskResult } from '../model/taskTypes.js';
import type { Pipeline } from './pipeline.js';

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
  if (!Number.isInteger(r.maxPassSize) || r.maxPassSize < 16) throw new InvalidTaskError(`The largest pass must be at least 16 pixels, got ${r.maxPassSize}.`);
  if (r.task.kind === 'inpaint') {
    if (!r.mask) throw new NoMaskError();
    if (r.mask.length !== rows * columns) throw new InvalidTaskError(`The mask has ${r.mask.length} pixels but the image has ${rows * columns}.`);
    if (!r.mask.some((v) => v !== 0)) throw new NoMaskError();
  }
  for (let i = 0; i < pixels.length; i++) {
    if (!Number.isFinite(pixels[i]!)) throw new InvalidTaskError(`The image has a non-finite value at pixel ${i}.`);
  }
}

/**
 * Tiles in input space. A tile holds at most `maxPassSize / factor` input pixels per edge, so a
 * pass never exceeds `maxPassSize` output pixels; tiles overlap by a quarter of a tile so blending
 * (Hann ramps, weights summing to one) hides the seams.
 */
export function planInputTiles(rows: number, columns: number, factor: number, maxPassSize: number): TileLayout {
  const tile = Math.max(8, Math.floor(maxPassSize / factor));
  const needsTiles = rows > tile || columns > tile;
  const overlap = needsTiles ? Math.floor(tile / 4) : 0;
  return planTiles(rows, columns, tile, overlap);
}

function scaleLayout(layout: TileLayout, factor: number): TileLayout {
  return {
    rows: layout.rows * factor,
    cols: layout.cols * factor,
    tileRows: layout.tileRows * factor,
    tileCols: layout.tileCols * factor,
    origins: layout.origins.map(({ y, x }) => ({ y: y * factor, x: x * factor })),
  };
}

/**
 * Runs a task on a slice: normalises it (robust percentiles, per slice) to the models' [-1, 1],
 * tiles it when it is larger than one pass, runs the pipeline on each tile for each sample (seeds
 * seed, seed + 1, ...), blends the tiles, and returns the mean over samples (and the per-pixel
 * standard deviation when there are several) in modality units. Inpainting returns the known
 * pixels exactly as they were. Cancelling through `signal` stops between network evaluations.
 */
export async function runTask(
  pipeline: Pipeline,
  request: ImageTaskRequest,
  backend: BackendName,
  signal: AbortSignal,
  onProgress: (p: TaskProgress) => void,
): Promise<TaskResult> {
  validateRequest(request);
  const started = performance.now();
  const { task, image, options } = request;
  const { rows, columns, pixels } = image;
  const factor = task.kind === 'super-resolve' ? task.factor : 1;
  let stats: NormalizationStats;
  try {
    stats = computeNormalization(pixels, { lowPercentile: 0.5, highPercentile: 99.5 });
  } catch {
    throw new UniformImageError();
  }
  if (!(stats.high > stats.low)) throw new UniformImageError();
  const normalised = applyNormalization(pixels, stats, true);
  const layout = planInputTiles(rows, columns, factor, request.maxPassSize);
  const outLayout = scaleLayout(layout, factor);
  const tiles = splitTiles(normalised, layout);
  const maskTiles = request.mask ? splitTiles(request.mask, layout).map((t) => Uint8Array.from(t)) : undefined;
  // Inpainting: tiles without masked pixels are already right and are not run.
  const runs = tiles.map((_, i) => !maskTiles || maskTiles[i]!.some((v) => v !== 0));
  const perPass = pipeline.evaluations(options.steps);
  const total = runs.filter(Boolean).length * options.samples * perPass;
  let done = 0;
  const out = outputSize(task, rows, columns);
  const n = out.rows * out.columns;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let s = 0; s < options.samples; s++) {
    const outTiles: Float32Array[] = [];
    for (let t = 0; t < tiles.length; t++) {
      if (signal.aborted) throw new CancelledError();
      if (!runs[t]) {
        outTiles.push(tiles[t]!);
        continue;
      }
      const result = await pipeline.run({
        task,
        image: tiles[t]!,
        rows: layout.tileRows,
        columns: layout.tileCols,
        ...(maskTiles ? { mask: maskTiles[t]! } : {}),
        sampling: { sampler: options.sampler, steps: options.steps, seed: options.seed + s },
        signal,
        onStep: () => {
          done++;
          const elapsedMs = performance.now() - started;
          onProgress({ done, total, tile: t + 1, tiles: tiles.length, sample: s + 1, samples: options.samples, elapsedMs, etaMs: (elapsedMs / done) * (total - done) });
        },
      });
      outTiles.push(result);
    }
    const blended = tiles.length === 1 ? outTiles[0]! : blendTiles(outTiles, outLayout);
    for (let i = 0; i < n; i++) {
      const v = blended[i]!;
      sum[i]! += v;
      sumSq[i]! += v * v;
    }
  }
  // Back to modality units with the same stats: x = low + (y + 1) (high - low) / 2.
  const half = (stats.high - stats.low) / 2;
  const mean = new Float32Array(n);
  for (let i = 0; i < n; i++) mean[i] = stats.low + (sum[i]! / options.samples + 1) * half;
  if (request.mask) {
    for (let i = 0; i < n; i++) if (request.mask[i] === 0) mean[i] = pixels[i]!;
  }
  let std: Float32Array | undefined;
  if (options.samples > 1) {
    std = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const m = sum[i]! / options.samples;
      std[i] = Math.sqrt(Math.max(0, sumSq[i]! / options.samples - m * m)) * half;
    }
  }
  return { pixels: mean, rows: out.rows, columns: out.columns, ...(std ? { std } : {}), samples: options.samples, tiles: tiles.length, backend, elapsedMs: performance.now() - started };
}
