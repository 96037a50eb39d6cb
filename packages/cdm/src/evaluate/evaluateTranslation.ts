import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, yieldToEventLoop, type UNet } from '@meddiff/diffusion-core';
import { mae, psnr, ssim, summarize } from '@meddiff/metrics';
import { matchHistogram } from '../baselines/histogramMatching';
import type { CdmModel } from '../model';
import type { Modality } from '../modalities';
import { translateTensors } from '../translateTensors';
import { translationBatch } from '../train/batchSources';
import { channelIndices, sliceChannel, type PairedSlices } from '../train/pairedSlices';

/** Means over the slices, with their sample standard deviations. */
export interface TargetScores {
  psnr: number;
  psnrSd: number;
  ssim: number;
  ssimSd: number;
  mae: number;
  maeSd: number;
  /** PSNR of each slice, in the order scored (for breakdowns such as protocolBreakdown). */
  psnrPerSlice: number[];
}

export interface MethodScores {
  name: string;
  description: string;
  perTarget: Record<Modality, TargetScores>;
  /** Per target, this method's output for the slices of `EvaluationOptions.examples`, one after another. */
  examples?: Record<Modality, Float32Array>;
}

export interface EvaluationOptions {
  /** DDIM steps of the MDN; default the model's samplingSteps. */
  ddimSteps?: number;
  seed?: number;
  /** CDM's output is the mean over this many MDN draws, as `run --samples` and the viewer give it; default 1. */
  samples?: number;
  /** The plain U-Net baseline, when trained. */
  baseline?: UNet | null;
  batchSize?: number;
  /** Indices of slices whose outputs to keep (for montages); default none. */
  examples?: readonly number[];
  signal?: AbortSignal;
}

/**
 * Scores CDM on paired slices beside its baselines, per target contrast: PSNR, SSIM (Wang et al.
 * 2004) and MAE on the [-1, 1] scale (data range 2), outputs clipped to it. Methods:
 * - CDM: the sources and an MDN draw of the target vector;
 * - CDM given the true target vector: the MRM's encoding of the real target instead of an MDN
 *   draw (what the C-UNet could do with a perfect MDN; a diagnostic, not a method: it needs the target);
 * - histogram matching: each source matched to the true target slice's histogram, the best source
 *   per target kept;
 * - plain U-Net: the C-UNet's architecture without the vector, trained on the same pairs.
 */
export async function evaluateTranslation(model: CdmModel, slices: PairedSlices, o: EvaluationOptions = {}): Promise<MethodScores[]> {
  const { sources, targets } = model.config.modalities;
  const sourceChannels = channelIndices(slices, sources);
  const targetChannels = channelIndices(slices, targets);
  const ddimSteps = o.ddimSteps ?? model.config.mdn.samplingSteps;
  const seed = o.seed ?? 0;
  const samples = o.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`evaluateTranslation: samples must be a positive integer, got ${samples}`);
  const batchSize = o.batchSize ?? 8;
  const n = slices.size * slices.size;
  const predictors: Array<{ name: string; description: string; predict: (b: ReturnType<typeof translationBatch>, first: number) => tf.Tensor4D }> = [
    {
      name: 'CDM',
      description: samples === 1 ? `C-UNet given the sources and an MDN draw (DDIM, ${ddimSteps} steps)` : `mean of the C-UNet's outputs for ${samples} MDN draws (DDIM, ${ddimSteps} steps)`,
      predict: (b, first) =>
        tf.tidy(() => {
          if (samples === 1) return translateTensors(model, b.sources, { mdnSteps: ddimSteps, seed: seed + first });
          // Every draw of a slice in one batch, as the pipeline draws them.
          const [rows, h, w] = b.sources.shape;
          const out = translateTensors(model, tf.concat(Array.from({ length: samples }, () => b.sources)), { mdnSteps: ddimSteps, seed: seed + first });
          return tf.mean(tf.reshape(out, [samples, rows, h, w, out.shape[3]]), 0) as tf.Tensor4D;
        }),
    },
    { name: 'CDM, true target vector', description: 'C-UNet given the MRM vector of the real target (diagnostic: needs the target)', predict: (b) => tf.tidy(() => translateTensors(model, b.sources, { mdnSteps: ddimSteps, seed, targetVectors: model.mrm.encodeChannels(b.targets) })) },
  ];
  if (o.baseline) {
    const baseline = o.baseline;
    predictors.push({ name: 'plain U-Net', description: 'the C-UNet architecture without the representation, same data and loss', predict: (b) => baseline.apply({ x: b.sources }) });
  }
  const outputs = predictors.map(() => targets.map(() => new Float32Array(slices.count * n)));
  const truth = targets.map(() => new Float32Array(slices.count * n));
  for (let start = 0; start < slices.count; start += batchSize) {
    throwIfAborted(o.signal);
    const items = Array.from({ length: Math.min(batchSize, slices.count - start) }, (_, i) => start + i);
    const batch = translationBatch(slices, items, sourceChannels, targetChannels);
    try {
      const t = (await batch.targets.data()) as Float32Array;
      scatter(t, truth, start, items.length, n);
      for (const [p, predictor] of predictors.entries()) {
        const out = tf.tidy(() => tf.clipByValue(predictor.predict(batch, start), -1, 1));
        const values = (await out.data()) as Float32Array;
        out.dispose();
        scatter(values, outputs[p]!, start, items.length, n);
      }
    } finally {
      tf.dispose([batch.sources, batch.targets]);
    }
    await yieldToEventLoop();
  }
  // Histogram matching runs on the CPU, slice by slice, from each source; per target the source
  // that scores best is kept (an oracle choice, as the oracle histogram: the strongest classical baseline).
  const shape = [slices.count, slices.size, slices.size];
  const matched: Float32Array[] = [];
  const matchedFrom: Modality[] = [];
  for (const [j] of targets.entries()) {
    let best: { images: Float32Array; psnr: number; source: Modality } | undefined;
    for (const [k, channel] of sourceChannels.entries()) {
      const out = new Float32Array(slices.count * n);
      for (let i = 0; i < slices.count; i++) {
        const src = sliceChannel(slices, i, channel);
        out.set(matchHistogram(src, truth[j]!.subarray(i * n, (i + 1) * n)), i * n);
      }
      const score = (await psnr({ data: truth[j]!, shape }, { data: out, shape }, { dataRange: 2, rangeTolerance: Infinity })).mean;
      if (!best || score > best.psnr) best = { images: out, psnr: score, source: sources[k]! };
    }
    matched.push(best!.images);
    matchedFrom.push(best!.source);
  }
  const all = [
    ...predictors.map((p, i) => ({ name: p.name, description: p.description, images: outputs[i]! })),
    { name: 'histogram matching', description: `the best source per target (${targets.map((t, j) => `${matchedFrom[j]} for ${t}`).join(', ')}) matched to the true target's histogram (an oracle histogram and an oracle choice of source)`, images: matched },
  ];
  const results: MethodScores[] = [];
  for (const m of all) {
    const perTarget: Record<Modality, TargetScores> = {};
    for (const [j, target] of targets.entries()) {
      const ref = { data: truth[j]!, shape };
      const test = { data: m.images[j]!, shape };
      // Means as the metrics give them (a perfect slice makes PSNR Infinity), spreads over the finite values.
      const p = await psnr(ref, test, { dataRange: 2, rangeTolerance: Infinity });
      const q = await ssim(ref, test, { dataRange: 2, rangeTolerance: Infinity });
      const a = await mae(ref, test);
      const sd = (r: { perImage: readonly number[] }) => summarize(r.perImage).std;
      perTarget[target] = { psnr: p.mean, psnrSd: sd(p), ssim: q.mean, ssimSd: sd(q), mae: a.mean, maeSd: sd(a), psnrPerSlice: [...p.perImage] };
    }
    const examples = o.examples?.length ? Object.fromEntries(targets.map((t, j) => [t, pick(m.images[j]!, o.examples!, n)])) : undefined;
    results.push({ name: m.name, description: m.description, perTarget, ...(examples ? { examples } : {}) });
  }
  return results;
}

/** Spreads NHWC values (B, S, S, T) into one array per target. */
function scatter(values: Float32Array, into: Float32Array[], start: number, count: number, n: number): void {
  const t = into.length;
  for (let b = 0; b < count; b++) for (let p = 0; p < n; p++) for (let j = 0; j < t; j++) into[j]![(start + b) * n + p] = values[(b * n + p) * t + j]!;
}

/** The slices `indices` of images stored one after another, `n` values each. */
function pick(images: Float32Array, indices: readonly number[], n: number): Float32Array {
  const out = new Float32Array(indices.length * n);
  indices.forEach((i, k) => out.set(images.subarray(i * n, (i + 1) * n), k * n));
  return out;
}

/** A Markdown table per target: methods as rows, PSNR / SSIM / MAE (mean ± sample sd over slices) as columns. */
export function scoresTable(methods: MethodScores[], target: Modality): string {
  const lines = ['| method | PSNR (dB) | SSIM | MAE |', '| --- | --- | --- | --- |'];
  for (const m of methods) {
    const s = m.perTarget[target];
    if (s) lines.push(`| ${m.name} | ${s.psnr.toFixed(2)} ± ${s.psnrSd.toFixed(2)} | ${s.ssim.toFixed(4)} ± ${s.ssimSd.toFixed(4)} | ${s.mae.toFixed(4)} ± ${s.maeSd.toFixed(4)} |`);
  }
  return lines.join('\n');
}
