import { CancelledError, ConfigError, mixSeed, NoiseSchedule, openWeightsStore, throwIfAborted, type SamplingProgress, type WeightsStore } from '@meddiff/diffusion-core';
import { applyNormalization, blendTiles, computeNormalization, cropPadding, denormalize, padToMultiple, planTiles, resize2d, splitTiles, type ImageGeometry, type NormalizationStats, type TileLayout } from '@meddiff/imaging';
import type { MedCDiffTask } from '../config';
import { InvalidInputError, UnsupportedRequestError } from '../errors';
import { inpaintingCondition } from '../degradations/taskPairs';
import { MedCDiffModel } from '../model';
import { fromDiffusionSpace } from '../objective';
import { LocalChunkSampler, type ChunkSampler, type SamplingChunk } from './chunkSampler';
import { defaultSteps, SAMPLER_NAMES, type SamplerName } from './samplers';
import { validateSlice, type SliceInput } from './sliceInput';

export interface RunOptions {
  sampler?: SamplerName;
  /** Default: 25 for dpm-solver, 50 for ddim, T for ddpm. */
  steps?: number;
  seed?: number;
  /**
   * Scales the sampler's noise (default: the model config's `sampling.temperature`, else 1, which
   * samples the model's distribution). Lower gives
   * images closer to the mean of all the model would draw: higher PSNR, less fine detail and less
   * spread between samples; 0 with DPM-Solver or DDIM gives one deterministic image.
   */
  temperature?: number;
  /** Draw this many samples; the result is their mean, with a per-pixel standard deviation. */
  samples?: number;
  /** Statistics of the whole volume (per-patient normalisation, as the paper); default: this slice's percentiles. */
  normalization?: NormalizationStats;
  /**
   * Slices with a side above this are processed in overlapping tiles of this size. Default: the
   * training size, the context the network learned (and self-attention's cost grows with the square
   * of a tile's pixels: 2 x the training size made super-resolution 2.9 times slower).
   */
  tileSize?: number;
  /** Images per network call (tiles x samples are batched). Default 4. */
  maxBatch?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SamplingProgress) => void;
}

/**
 * `T` is the type of the slice passed in: the result image is that slice with its data and shape
 * replaced (and its geometry scaled for super-resolution), so an `Image2D` from @meddiff/imaging
 * gives an `Image2D`, which its writers (`writeDerivedSeries`, `writeNifti`) take as it is.
 */
export interface PipelineResult<T extends SliceInput = SliceInput> {
  /** The result in the input's modality units, with the input's other fields. */
  image: T;
  /** Per-pixel standard deviation over the samples, in modality units; only when samples > 1. */
  std?: Float32Array;
  normalization: NormalizationStats;
  sampler: SamplerName;
  steps: number;
  samples: number;
  temperature: number;
  tiles: number;
}

interface Prepared {
  rows: number;
  cols: number;
  /** Normalised condition, rows * cols * channels. */
  condition: Float32Array;
  channels: number;
  /** Inpainting: the normalised known image and the region to fill. */
  known?: Float32Array;
  fill?: Uint8Array;
}

/**
 * Med-cDiff inference: takes a slice in modality units, normalises it as the paper does, builds
 * the task's condition, samples with the chosen sampler (padding or tiling any size) and returns
 * the result in the same units. Leaves tf.memory().numTensors as it found it, also when
 * cancelled or failing.
 */
/**
 * Slices of a series per pipeline call in the viewer and `med-cdiff run`: enough to fill a batch
 * with small slices, few enough for progress and cancellation between calls. Each call is seeded
 * `seed + the position of its first slice`, so the two give the same pixels.
 */
export const SERIES_SLICES_PER_CALL = 4;

export class MedCDiffPipeline {
  private readonly schedule: NoiseSchedule;
  private chunks: ChunkSampler;

  constructor(readonly model: MedCDiffModel) {
    this.schedule = new NoiseSchedule(model.config.noiseSchedule);
    this.chunks = new LocalChunkSampler(model, this.schedule);
  }

  /**
   * Samples the network batches of later calls with `sampler`, e.g. `workerChunkSampler` (Node:
   * worker threads, every core); the results are the same. The pipeline disposes it.
   */
  async useChunkSampler(sampler: ChunkSampler): Promise<void> {
    await this.chunks.dispose();
    this.chunks = sampler;
  }

  /** From a weights store, an http(s) URL, or in Node a folder path or file: URL (see openWeightsStore). */
  static async load(source: WeightsStore | string | URL): Promise<MedCDiffPipeline> {
    return new MedCDiffPipeline(await MedCDiffModel.load(await openWeightsStore(source)));
  }

  get task(): MedCDiffTask {
    return this.model.config.task;
  }

  /** Super-resolution by `factor`: the result has round(rows x factor) x round(cols x factor) pixels and a finer spacing. */
  async superResolve<T extends SliceInput>(image: T, options: RunOptions & { factor: number }): Promise<PipelineResult<T>> {
    return (await this.superResolveMany('superResolve', [image], options))[0]!;
  }

  /** Removes Gaussian and impulse noise. The result has the input's size. */
  async denoise<T extends SliceInput>(image: T, options: RunOptions = {}): Promise<PipelineResult<T>> {
    return (await this.denoiseMany('denoise', [image], options))[0]!;
  }

  /**
   * Fills the region where `mask` is non-zero (rows * cols values). Pixels outside the mask are
   * returned exactly as they were.
   */
  async inpaint<T extends SliceInput>(image: T, mask: ArrayLike<number>, options: RunOptions = {}): Promise<PipelineResult<T>> {
    return (await this.inpaintMany('inpaint', [image], [mask], options))[0]!;
  }

  /**
   * `superResolve` for several slices of one size (the slices of a series) in one call: their tiles
   * and samples are batched through the network together, `maxBatch` images a call, so small slices
   * fill a batch. Results in the slices' order. Give `options.normalization` (the volume's
   * statistics) to normalise them alike; otherwise each slice takes its own percentiles.
   */
  superResolveSlices<T extends SliceInput>(images: readonly T[], options: RunOptions & { factor: number }): Promise<PipelineResult<T>[]> {
    return this.superResolveMany('superResolveSlices', images, options);
  }

  /** `denoise` for several slices of one size, batched together (see superResolveSlices). */
  denoiseSlices<T extends SliceInput>(images: readonly T[], options: RunOptions = {}): Promise<PipelineResult<T>[]> {
    return this.denoiseMany('denoiseSlices', images, options);
  }

  /** `inpaint` for several slices of one size, one mask each, batched together (see superResolveSlices). */
  inpaintSlices<T extends SliceInput>(images: readonly T[], masks: readonly ArrayLike<number>[], options: RunOptions = {}): Promise<PipelineResult<T>[]> {
    return this.inpaintMany('inpaintSlices', images, masks, options);
  }

  private async superResolveMany<T extends SliceInput>(fn: string, images: readonly T[], options: RunOptions & { factor: number }): Promise<PipelineResult<T>[]> {
    this.requireTask('super-resolution', fn);
    validateSlices(fn, images);
    const trained = this.model.config.degradation.factors;
    if (!trained.some((f) => Math.abs(f - options.factor) < 1e-6)) {
      throw new UnsupportedRequestError(`These weights were trained for super-resolution by ${trained.map((f) => `x${+f.toFixed(3)}`).join(', ')}, not x${options.factor}. Choose one of those factors or load weights trained for x${options.factor}.`);
    }
    const [rows, cols] = images[0]!.shape;
    const outRows = Math.round(rows * options.factor);
    const outCols = Math.round(cols * options.factor);
    const stats = images.map((image) => this.stats(image, options));
    // The condition is the slice upsampled to the output grid, as the model saw in training.
    const prepared = images.map((image, k): Prepared => ({ rows: outRows, cols: outCols, condition: applyNormalization(resize2d(image.data, rows, cols, outRows, outCols, 'bicubic'), stats[k]!), channels: 1 }));
    const generated = await this.generate(prepared, options);
    return images.map((image, k) => this.finish(image, generated[k]!, stats[k]!, options, { rows: outRows, cols: outCols, geometry: image.geometry && scaledGeometry(image.geometry, rows / outRows, cols / outCols) }));
  }

  private async denoiseMany<T extends SliceInput>(fn: string, images: readonly T[], options: RunOptions): Promise<PipelineResult<T>[]> {
    this.requireTask('denoising', fn);
    validateSlices(fn, images);
    const stats = images.map((image) => this.stats(image, options));
    const generated = await this.generate(images.map((image, k) => ({ rows: image.shape[0], cols: image.shape[1], condition: applyNormalization(image.data, stats[k]!), channels: 1 })), options);
    return images.map((image, k) => this.finish(image, generated[k]!, stats[k]!, options));
  }

  private async inpaintMany<T extends SliceInput>(fn: string, images: readonly T[], masks: readonly ArrayLike<number>[], options: RunOptions): Promise<PipelineResult<T>[]> {
    this.requireTask('inpainting', fn);
    validateSlices(fn, images);
    if (masks.length !== images.length) throw new InvalidInputError(`${fn}: ${masks.length} masks for ${images.length} slices; give one mask per slice.`);
    const [rows, cols] = images[0]!.shape;
    const fills = masks.map((mask, k) => {
      const which = images.length > 1 ? ` of slice ${k}` : '';
      if (mask.length !== rows * cols) throw new InvalidInputError(`${fn}: the mask${which} has ${mask.length} values but the slice has ${rows} x ${cols} = ${rows * cols}; draw the mask on this slice.`);
      const fill = Uint8Array.from(mask, (v) => (v ? 1 : 0));
      const holes = fill.reduce((a, v) => a + v, 0);
      if (holes === 0) throw new InvalidInputError(`${fn}: the mask${which} is empty; mark the region to fill.`);
      if (holes === fill.length) throw new InvalidInputError(`${fn}: the mask${which} covers the whole slice; inpainting needs some known pixels around the region.`);
      return fill;
    });
    const stats = images.map((image) => this.stats(image, options));
    const known = images.map((image, k) => applyNormalization(image.data, stats[k]!));
    const generated = await this.generate(images.map((_, k) => ({ rows, cols, condition: inpaintingCondition(known[k]!, fills[k]!), channels: 2, known: known[k]!, fill: fills[k]! })), options);
    return images.map((image, k) => {
      const result = this.finish(image, generated[k]!, stats[k]!, options);
      const fill = fills[k]!;
      // The known pixels are the input's own values, untouched by normalisation round trips.
      const out = result.image.data;
      for (let i = 0; i < out.length; i++) if (!fill[i]) out[i] = image.data[i]!;
      if (result.std) for (let i = 0; i < out.length; i++) if (!fill[i]) result.std[i] = 0;
      return result;
    });
  }

  dispose(): void {
    this.model.dispose();
    void this.chunks.dispose();
  }

  private requireTask(task: MedCDiffTask, fn: string): void {
    if (this.task !== task) throw new UnsupportedRequestError(`${fn} needs ${task} weights, but the loaded weights are a ${this.task} model. Load the ${task} model.`);
  }

  private stats(image: SliceInput, options: RunOptions): NormalizationStats {
    if (options.normalization) return options.normalization;
    const { lowPercentile, highPercentile } = this.model.config.normalization;
    const stats = computeNormalization(image.data, { lowPercentile, highPercentile });
    if (!(stats.high > stats.low)) throw new InvalidInputError('The slice is constant (no contrast); there is nothing to restore.');
    return stats;
  }

  private resolve(options: RunOptions): { sampler: SamplerName; steps: number; samples: number; temperature: number; maxBatch: number; tileSize: number } {
    const sampler = options.sampler ?? 'dpm-solver';
    if (!SAMPLER_NAMES.includes(sampler)) throw new ConfigError(`Unknown sampler '${String(sampler)}'. Allowed: ${SAMPLER_NAMES.join(', ')}.`);
    const steps = options.steps ?? defaultSteps(sampler, this.schedule);
    const samples = options.samples ?? 1;
    if (!Number.isInteger(samples) || samples < 1 || samples > 32) throw new ConfigError(`samples must be an integer in [1, 32], got ${samples}.`);
    const temperature = options.temperature ?? this.model.config.sampling?.temperature ?? 1;
    if (!(temperature >= 0 && Number.isFinite(temperature))) throw new ConfigError(`temperature must be a number >= 0 (1 samples the model's distribution), got ${String(temperature)}.`);
    const maxBatch = options.maxBatch ?? 4;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new ConfigError(`maxBatch must be a positive integer, got ${maxBatch}.`);
    const multiple = this.model.unet.sizeMultiple;
    const tileSize = options.tileSize ?? this.model.config.imageSize;
    if (!Number.isInteger(tileSize) || tileSize < multiple || tileSize % multiple !== 0) throw new ConfigError(`tileSize must be a positive multiple of ${multiple}, got ${tileSize}.`);
    return { sampler, steps, samples, temperature, maxBatch, tileSize };
  }

  /**
   * Samples every (slice, sample, tile) job in batches of `maxBatch`, slice by slice (so a slice's
   * jobs share chunks with its neighbours'); chunk k is seeded `mixSeed(seed, k)`. Returns, per slice, one
   * normalised image per sample. The slices share one size.
   */
  private async generate(ps: readonly Prepared[], options: RunOptions): Promise<Array<{ images: Float32Array[]; tiles: number }>> {
    const { sampler, steps, samples, temperature, maxBatch, tileSize } = this.resolve(options);
    const multiple = this.model.unet.sizeMultiple;
    const p0 = ps[0]!;
    // Pad to the network's multiple (edge replication), then tile when larger than a tile.
    const padChannel = (data: Float32Array, c: number, channels: number) => padToMultiple(pick(data, c, channels), p0.rows, p0.cols, multiple, { mode: 'edge' });
    const { rows, cols, padding } = padChannel(p0.condition, 0, p0.channels);
    const layout: TileLayout = planTiles(rows, cols, rows <= tileSize && cols <= tileSize ? [rows, cols] : tileSize, Math.max(multiple, Math.round(tileSize / 8 / multiple) * multiple));
    const tiled = ps.map((p) => ({
      condition: Array.from({ length: p.channels }, (_, c) => splitTiles(padChannel(p.condition, c, p.channels).data, layout)),
      known: p.known ? splitTiles(padToMultiple(p.known, p.rows, p.cols, multiple, { mode: 'edge' }).data, layout) : null,
      fill: p.fill ? splitTiles(padToMultiple(Float32Array.from(p.fill), p.rows, p.cols, multiple, { mode: 'constant', value: 0 }).data, layout) : null,
    }));
    const jobs: Array<{ slice: number; tile: number; sample: number }> = [];
    for (let i = 0; i < ps.length; i++) for (let s = 0; s < samples; s++) for (let t = 0; t < layout.origins.length; t++) jobs.push({ slice: i, tile: t, sample: s });
    const outputs: Float32Array[][][] = ps.map(() => Array.from({ length: samples }, () => new Array<Float32Array>(layout.origins.length)));
    const th = layout.tileRows;
    const tw = layout.tileCols;
    const n = th * tw;
    const channels = p0.channels;
    const chunks = Math.ceil(jobs.length / maxBatch);
    const started = performance.now();
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    const chunkOf = (k: number): SamplingChunk => {
      const chunk = jobs.slice(k * maxBatch, (k + 1) * maxBatch);
      const b = chunk.length;
      const cond = new Float32Array(b * n * channels);
      chunk.forEach((job, i) => {
        const tiles = tiled[job.slice]!.condition;
        for (let px = 0; px < n; px++) for (let c = 0; c < channels; c++) cond[(i * n + px) * channels + c] = tiles[c]![job.tile]![px]!;
      });
      const inpainting = chunk.every((j) => tiled[j.slice]!.known && tiled[j.slice]!.fill);
      return {
        condition: cond,
        ...(inpainting ? { known: concatTiles(chunk.map((j) => tiled[j.slice]!.known![j.tile]!)), fill: concatTiles(chunk.map((j) => tiled[j.slice]!.fill![j.tile]!)) } : {}),
        batch: b,
        rows: th,
        cols: tw,
        channels,
        sampler,
        steps,
        // Hashed, not seed + k: a series' calls are seeded seed + their first slice's position, and
        // their chunks must not repeat one another's noise.
        seed: mixSeed(seed, k),
        temperature,
      };
    };
    // Chunks go to the chunk sampler `concurrency` at a time; progress counts every finished step.
    let done = 0;
    const onStep = (timestep: number) => {
      done++;
      const elapsedMs = performance.now() - started;
      options.onProgress?.({ step: done, total: chunks * steps, timestep, elapsedMs, etaMs: (elapsedMs / done) * (chunks * steps - done) });
    };
    let next = 0;
    const failed = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
    const lane = async () => {
      while (next < chunks && !signal.aborted) {
        const k = next++;
        const values = await this.chunks.sample(chunkOf(k), { signal, onStep });
        jobs.slice(k * maxBatch, (k + 1) * maxBatch).forEach((job, i) => (outputs[job.slice]![job.sample]![job.tile] = values.slice(i * n, (i + 1) * n)));
      }
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(this.chunks.concurrency, chunks) }, () => lane().catch((e: unknown) => {
      failed.abort();
      throw e;
    })));
    throwIfAborted(options.signal);
    const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected' && !(l.reason instanceof CancelledError));
    if (failure) throw failure.reason;
    return ps.map((p, i) => {
      const conditionImage = pick(p.condition, 0, p.channels);
      const images = outputs[i]!.map((tiles) => fromDiffusionSpace(cropPadding(layout.origins.length === 1 ? tiles[0]! : blendTiles(tiles, layout), rows, cols, padding), conditionImage, this.model.config.objective));
      return { images, tiles: layout.origins.length };
    });
  }

  private finish<T extends SliceInput>(input: T, { images: generated, tiles }: { images: Float32Array[]; tiles: number }, stats: NormalizationStats, options: RunOptions, resized?: { rows: number; cols: number; geometry: ImageGeometry | undefined }): PipelineResult<T> {
    const { sampler, steps, samples, temperature } = this.resolve(options);
    const size = generated[0]!.length;
    const mean = new Float32Array(size);
    for (const g of generated) for (let i = 0; i < size; i++) mean[i]! += g[i]! / generated.length;
    let std: Float32Array | undefined;
    if (generated.length > 1) {
      const scale = (stats.high - stats.low) / 2;
      std = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        let v = 0;
        for (const g of generated) v += (g[i]! - mean[i]!) ** 2;
        std[i] = Math.sqrt(v / (generated.length - 1)) * scale;
      }
    }
    // Only data, shape and geometry change, each to a value of its own type, so the result is still a T.
    const image = {
      ...input,
      data: denormalize(mean, stats),
      shape: resized ? ([resized.rows, resized.cols] as const) : input.shape,
      ...(resized?.geometry ? { geometry: resized.geometry } : {}),
    } as T;
    return { image, ...(std ? { std } : {}), normalization: stats, sampler, steps, samples, temperature, tiles };
  }
}

/** Refuses an empty list, a bad slice, or slices of different sizes (one call batches one size). */
function validateSlices(fn: string, images: readonly SliceInput[]): void {
  if (images.length === 0) throw new InvalidInputError(`${fn}: no slices given.`);
  images.forEach((image, k) => validateSlice(images.length > 1 ? `${fn} (slice ${k})` : fn, image));
  const [rows, cols] = images[0]!.shape;
  const other = images.findIndex((image) => image.shape[0] !== rows || image.shape[1] !== cols);
  if (other >= 0) throw new InvalidInputError(`${fn}: slice ${other} is ${images[other]!.shape.join(' x ')} but slice 0 is ${rows} x ${cols}; slices run together must share one size.`);
}

function pick(interleaved: Float32Array, c: number, channels: number): Float32Array {
  if (channels === 1) return interleaved;
  const out = new Float32Array(interleaved.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = interleaved[i * channels + c]!;
  return out;
}

function concatTiles(tiles: Float32Array[]): Float32Array {
  const out = new Float32Array(tiles.reduce((a, t) => a + t.length, 0));
  let at = 0;
  for (const t of tiles) {
    out.set(t, at);
    at += t.length;
  }
  return out;
}

/** Geometry of a resampled slice: spacing scaled, first pixel centre moved so the field of view stays put. */
function scaledGeometry(g: ImageGeometry, sy: number, sx: number): ImageGeometry {
  const d = g.direction;
  const di = (0.5 * sx - 0.5) * g.spacing[0];
  const dj = (0.5 * sy - 0.5) * g.spacing[1];
  return {
    ...g,
    spacing: [g.spacing[0] * sx, g.spacing[1] * sy, g.spacing[2]],
    origin: [g.origin[0] + di * d[0] + dj * d[3], g.origin[1] + di * d[1] + dj * d[4], g.origin[2] + di * d[2] + dj * d[5]],
  };
}
