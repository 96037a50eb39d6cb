import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, openWeightsStore, throwIfAborted, type WeightsStore } from '@meddiff/diffusion-core';
import { applyNormalization, computeNormalization, denormalize, type NormalizationStats } from '@meddiff/imaging';
import { InvalidInputError } from '../errors';
import { CdmModel, type ModelCard } from '../model';
import { resolveRequest, type Modality, type ModalitySetting } from '../modalities';
import { checkCoregistered, type CoregistrationTolerance } from './coregistration';
import { fromModelGrid, toModelGrid } from './modelGrid';
import { validateSlice, type SliceInput } from './sliceInput';

export type TranslateStage = 'encode' | 'sample' | 'translate';

export interface TranslateProgress {
  stage: TranslateStage;
  /** Work done so far over the whole call, 1-based, out of `total`. */
  step: number;
  total: number;
  elapsedMs: number;
}

export interface TranslateOptions {
  /** MDN draws; with more than one the result is their mean and a standard-deviation map. Default 1. */
  samples?: number;
  /** Same seed, same result. Default 0. */
  seed?: number;
  /** DDIM steps of the MDN (the paper: 10 to 50). Default the model's `mdn.samplingSteps`. */
  ddimSteps?: number;
  signal?: AbortSignal;
  onProgress?: (p: TranslateProgress) => void;
  coregistrationTolerance?: CoregistrationTolerance;
}

/**
 * A translated slice: the first source (its geometry, frame of reference, DICOM provenance) with new
 * pixels. `T` is the sources' type, so `Image2D` sources from @meddiff/imaging give `Image2D`
 * results that its writers take as they are.
 */
export type TranslatedImage<T extends SliceInput = SliceInput> = T & { readonly contrast: Modality };

export interface TranslateResult<T extends SliceInput = SliceInput> {
  /** Per requested target, on the first source's intensity scale (see `scale`). */
  images: Record<Modality, TranslatedImage<T>>;
  /** Per target, the pixel-wise standard deviation over the samples (same scale), when samples > 1. */
  std?: Record<Modality, Float32Array>;
  /** Per target, the mean prediction in the model's [-1, 1] scale (what metrics compare). */
  normalized: Record<Modality, Float32Array>;
  /**
   * MRI intensities have no absolute unit, so a translated contrast is returned on the scale of
   * the first source: its [-1, 1] values mapped through that source's low and high percentiles.
   */
  scale: { modality: Modality; stats: NormalizationStats };
  samples: number;
  ddimSteps: number;
  seed: number;
}

/**
 * CDM's inference API (Xing et al. 2024): source contrasts of one slice in, target contrasts out.
 * Runs anywhere tfjs runs (a browser, a Web Worker, Node); nothing here imports Node modules.
 */
export class CdmPipeline {
  constructor(readonly model: CdmModel) {}

  /**
   * Loads a saved model from a store, a folder URL (for a Web Worker: an absolute URL or one relative
   * to the worker), or in Node a folder path or file: URL (see openWeightsStore).
   */
  static async load(source: WeightsStore | string | URL): Promise<CdmPipeline> {
    return new CdmPipeline(await CdmModel.load(await openWeightsStore(source)));
  }

  /** The contrasts the model translates from and to. */
  get modalities(): Readonly<ModalitySetting> {
    return this.model.config.modalities;
  }

  get card(): ModelCard | null {
    return this.model.card;
  }

  /**
   * Translates co-registered source slices into one or several target contrasts, e.g.
   * `translate({ T1: slice }, 'T2')`. Each source is normalised on its own to [-1, 1] (the config's
   * percentiles), padded to a square and resampled to the model's size; the MRM encodes the
   * sources, the MDN draws the target representation (one draw per sample), the C-UNet gives the
   * targets in one pass, which are resampled back onto the input grid.
   * Leaves tf.memory().numTensors as it found it, also when cancelled or failing.
   */
  async translate<T extends SliceInput>(sources: Readonly<Record<Modality, T>>, target: Modality | readonly Modality[], options: TranslateOptions = {}): Promise<TranslateResult<T>> {
    const started = performance.now();
    const config = this.model.config;
    const targets = typeof target === 'string' ? [target] : [...target];
    const samples = options.samples ?? 1;
    const ddimSteps = options.ddimSteps ?? config.mdn.samplingSteps;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(samples) || samples < 1 || samples > 64) throw new InvalidInputError(`translate: samples must be an integer from 1 to 64, got ${samples}.`);
    if (!Number.isInteger(ddimSteps) || ddimSteps < 1 || ddimSteps > config.mdn.noiseSchedule.numTrainTimesteps) throw new InvalidInputError(`translate: ddimSteps must be an integer from 1 to ${config.mdn.noiseSchedule.numTrainTimesteps} (the paper uses 10 to 50), got ${ddimSteps}.`);
    if (!Number.isInteger(seed)) throw new InvalidInputError(`translate: seed must be an integer, got ${seed}.`);
    const given = Object.keys(sources ?? {});
    const { sourceOrder, targetIndices } = resolveRequest(config.modalities, given, targets);
    const ordered = sourceOrder.map((i) => given[i]!);
    for (const name of ordered) validateSlice('translate', `source ${name}`, sources[name]!);
    checkCoregistered(Object.fromEntries(ordered.map((n) => [n, sources[n]!])), options.coregistrationTolerance);
    throwIfAborted(options.signal);

    const first = sources[ordered[0]!]!;
    const [rows, cols] = first.shape;
    const size = config.imageSize;
    const n = size * size;
    const stats: NormalizationStats[] = [];
    const stacked = new Float32Array(n * ordered.length);
    ordered.forEach((name, c) => {
      const image = sources[name]!;
      let s: NormalizationStats;
      try {
        s = computeNormalization(image.data, config.normalization);
      } catch {
        throw new InvalidInputError(`translate: source ${name} has no contrast (its ${config.normalization.lowPercentile} and ${config.normalization.highPercentile} percentiles are equal); is it a blank slice?`);
      }
      stats.push(s);
      const grid = toModelGrid(applyNormalization(image.data, s), rows, cols, size);
      for (let p = 0; p < n; p++) stacked[p * ordered.length + c] = grid[p]!;
    });

    const hasCondition = this.model.mdn.conditioned;
    const total = (hasCondition ? 1 : 0) + ddimSteps + 1;
    const progress = (stage: TranslateStage, step: number) => options.onProgress?.({ stage, step, total, elapsedMs: performance.now() - started });
    const owned: tf.Tensor[] = [];
    let values: Float32Array;
    try {
      const one = tf.tensor4d(stacked, [1, size, size, ordered.length]);
      owned.push(one);
      const batch = samples > 1 ? tf.tile(one, [samples, 1, 1, 1]) : one;
      if (batch !== one) owned.push(batch);
      let condition: tf.Tensor2D | undefined;
      if (hasCondition) {
        const encoded = this.model.mrm.encodeChannels(one);
        owned.push(encoded);
        condition = samples > 1 ? tf.tile(encoded, [samples, 1]) : encoded;
        if (condition !== encoded) owned.push(condition);
        progress('encode', 1);
      }
      throwIfAborted(options.signal);
      const offset = hasCondition ? 1 : 0;
      const vectors = await this.model.mdn.sample({
        batch: samples,
        ...(condition ? { condition } : {}),
        steps: ddimSteps,
        seed,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => progress('sample', offset + p.step),
      });
      owned.push(vectors);
      throwIfAborted(options.signal);
      const out = this.model.cunet.apply({ x: batch, condition: vectors });
      owned.push(out);
      values = (await out.data()) as Float32Array;
      throwIfAborted(options.signal);
      progress('translate', total);
    } catch (e) {
      if (options.signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
      throw e;
    } finally {
      tf.dispose(owned);
    }

    const nt = config.modalities.targets.length;
    const images: Record<Modality, TranslatedImage<T>> = {};
    const normalized: Record<Modality, Float32Array> = {};
    const std: Record<Modality, Float32Array> = {};
    const scaleStats = stats[0]!;
    targets.forEach((name, j) => {
      const channel = targetIndices[j]!;
      const perSample: Float32Array[] = [];
      for (let s = 0; s < samples; s++) {
        const grid = new Float32Array(n);
        for (let p = 0; p < n; p++) grid[p] = Math.max(-1, Math.min(1, values[(s * n + p) * nt + channel]!));
        perSample.push(fromModelGrid(grid, size, rows, cols));
      }
      const mean = new Float32Array(rows * cols);
      for (const img of perSample) for (let p = 0; p < mean.length; p++) mean[p]! += img[p]! / samples;
      normalized[name] = mean;
      // Only data and shape change (to values of their own types), so this is still a T.
      images[name] = { ...first, data: denormalize(mean, scaleStats), shape: [rows, cols] as const, contrast: config.modalities.targets[channel]! } as TranslatedImage<T>;
      if (samples > 1) {
        const sd = new Float32Array(rows * cols);
        const half = (scaleStats.high - scaleStats.low) / 2;
        for (let p = 0; p < sd.length; p++) {
          let v = 0;
          for (const img of perSample) v += (img[p]! - mean[p]!) ** 2;
          sd[p] = Math.sqrt(v / (samples - 1)) * half;
        }
        std[name] = sd;
      }
    });
    return { images, normalized, ...(samples > 1 ? { std } : {}), scale: { modality: ordered[0]!, stats: scaleStats }, samples, ddimSteps, seed };
  }

  dispose(): void {
    this.model.dispose();
  }
}
