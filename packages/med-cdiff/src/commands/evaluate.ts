import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { nextVersionProblem, NoiseSchedule, throwIfAborted, writeModelCard } from '@meddiff/diffusion-core';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { montagePng, resize2d, type NormalizationStats, type Panel } from '@meddiff/imaging';
import { summarize } from '@meddiff/metrics';
import { chooseGaussianSigma, GAUSSIAN_SIGMA_CANDIDATES } from '../baselines/gaussianFilter';
import { medianFilter } from '../baselines/medianFilter';
import { RegressionUNet } from '../baselines/regressionUNet';
import { inpaintingCondition } from '../degradations/taskPairs';
import { chooseNonLocalMeansH, NLM_H_CANDIDATES } from '../baselines/nonLocalMeans';
import type { DegradationConfig, MedCDiffTask } from '../config';
import type { ModelCard } from '../model';
import { baselinesFor } from '../evaluate/baselines';
import { evaluationConditions, type EvaluationCase, type EvaluationCondition } from '../evaluate/cases';
import { cardWithEvaluation } from '../evaluate/recordEvaluation';
import { reportMarkdown, type ConditionResult, type EvaluationReport, type MethodResult } from '../evaluate/report';
import { METRICS, scoreImages, tissueDiceScores, truthAccutance, type MetricName, type Scores } from '../evaluate/score';
import type { MedCDiffPipeline, RunOptions } from '../pipeline/medCDiffPipeline';
import { defaultSteps, type SamplerName } from '../pipeline/samplers';
import { loadPipeline, occupied, parseIntegerOption, readSlices, resolveDatasetDir, useBackend, type CommandBackend, type Log } from './common';
import { OutputExistsError, UsageError } from './errors';

export interface EvaluateOptions {
  /** A model folder, an http(s) URL, or a loaded pipeline (then it is not disposed). */
  model: string | MedCDiffPipeline;
  /** A regression U-Net of the same size (model folder), scored beside the baselines. */
  baselineModel?: string;
  /** The split scored: 'val' while choosing a recipe, 'test' (subjects never trained or tuned on) for the final tables. Default 'val'. */
  split?: 'val' | 'test';
  /** Samples per slice; the model's output is their mean. Default 1. */
  samples?: number;
  /** Dataset folder or name; default the open dataset at the model's training size. */
  data?: string;
  /** Report folder: report.md, report.json and montage-<condition>.png. */
  out: string;
  /** Score `count` slices, evenly spaced over the split; default all. */
  count?: number;
  sampler?: SamplerName;
  steps?: number;
  /** The sampler's noise scale (RunOptions.temperature); default the model's (config.sampling), else 1. */
  temperature?: number;
  /** Seed of the degradations and of the sampler (plus the slice index). Default 0. */
  seed?: number;
  /**
   * Denoising only: score one noise setting (Gaussian sigma and impulse share, on the [-1, 1] scale)
   * instead of draws over the config's training ranges. The baselines' parameters are chosen for it.
   */
  noise?: { sigma: number; impulses: number };
  /** Slices shown in each montage; 0 for none. Default 4. */
  montageSlices?: number;
  /** Replace a report already in `out`. */
  force?: boolean;
  /**
   * Record this evaluation in the model's card as this new version (semantic, not yet in its
   * changelog): the metrics become this evaluation's, and the changelog says what was measured. The
   * model must be a local folder.
   */
  record?: string;
  /** Select this tfjs backend first; omit to use the one already set. */
  backend?: CommandBackend;
  /** Worker threads sampling tiles and samples on WASM (default the cores available; the results do not depend on it). */
  workers?: number;
  cacheDir?: string;
  log?: Log;
  signal?: AbortSignal;
}

export interface EvaluateResult {
  report: EvaluationReport;
  /** Paths written. */
  files: string[];
}

/** The dataset slices are already per-volume normalised to [-1, 1]: the pipeline keeps that scale. */
const UNIT_SCALE: NormalizationStats = { low: -1, high: 1, method: 'fixed' };

/** Error maps are shown from 0 (black) to a quarter of the data range (white). */
const ERROR_WINDOW = [0, 0.5] as const;

/** The degradation the scored cases are drawn from: the config's, or one fixed noise setting (denoising). */
function scoredDegradation(task: string, degradation: DegradationConfig, noise: EvaluateOptions['noise']): DegradationConfig {
  if (noise === undefined) return degradation;
  if (task !== 'denoising') throw new UsageError(`--noise sets the noise of a denoising evaluation; this model is for ${task}.`);
  const { sigma, impulses } = noise;
  if (!(Number.isFinite(sigma) && sigma >= 0 && Number.isFinite(impulses) && impulses >= 0 && impulses < 1)) {
    throw new UsageError(`--noise needs a Gaussian sigma >= 0 and an impulse share in [0, 1), e.g. 0.1,0.05; got sigma ${sigma}, share ${impulses}.`);
  }
  return { ...degradation, gaussianSigma: [sigma, sigma], saltPepper: [impulses, impulses] };
}

/**
 * Scores a model on the validation (or test) split beside the task's baselines and writes report.md,
 * report.json and PNG montages. See the README's "Evaluation" section for the method.
 */
export async function evaluate(o: EvaluateOptions): Promise<EvaluateResult> {
  const log = o.log ?? (() => {});
  parseIntegerOption('--count', o.count, 1);
  parseIntegerOption('--steps', o.steps, 1);
  parseIntegerOption('--seed', o.seed, 0);
  parseIntegerOption('--montage-slices', o.montageSlices, 0);
  parseIntegerOption('--samples', o.samples, 1);
  const outDir = resolve(o.out);
  const reportFiles = ['report.md', 'report.json'].map((f) => join(outDir, f));
  if (!o.force && reportFiles.some(occupied)) throw new OutputExistsError(`${outDir} already holds a report; pass --force to replace it, or choose another --out.`);
  if (o.record !== undefined && (typeof o.model !== 'string' || !existsSync(join(resolve(o.model), 'model.json')))) {
    throw new UsageError(`--record ${o.record} writes the evaluation into the model's card, so --model must be a local model folder (it holds model.json).`);
  }
  const backend = o.backend ? (await useBackend(o.backend)).backend : tf.getBackend();
  const pipeline = typeof o.model === 'string' ? await loadPipeline(o.model, o.workers) : o.model;
  let regression: RegressionUNet | undefined;
  try {
    if (o.record !== undefined) checkNextVersion(pipeline.model.card, o.record);
    if (o.baselineModel) {
      regression = await RegressionUNet.load(fileWeightsStore(resolve(o.baselineModel)));
      if (regression.config.task !== pipeline.task) throw new UsageError(`--baseline-model ${o.baselineModel} is a ${regression.config.task} model; this evaluation is of ${pipeline.task}.`);
    }
    const config = pipeline.model.config;
    const task = config.task;
    const dataDir = resolveDatasetDir(o.data, config.imageSize, o.cacheDir);
    const split = o.split ?? 'val';
    if (split !== 'val' && split !== 'test') throw new UsageError(`--split must be val or test, got '${String(split)}'.`);
    const { slices, manifest } = readSlices(dataDir, split);
    const seed = o.seed ?? 0;
    const sampler = o.sampler ?? 'dpm-solver';
    const steps = o.steps ?? defaultSteps(sampler, new NoiseSchedule(config.noiseSchedule));
    const temperature = o.temperature ?? config.sampling?.temperature ?? 1;
    const source = { data: slices.data, count: slices.count, rows: slices.size, cols: slices.size };
    const degradation = scoredDegradation(task, config.degradation, o.noise);
    const conditions = evaluationConditions(task, source, degradation, seed, o.count);
    let gaussian: EvaluationReport['gaussianSigma'];
    let nlm: EvaluationReport['nonLocalMeansH'];
    if (task === 'denoising') {
      // Tune the Gaussian baseline's sigma on training slices (never on the scored ones), same noise ranges.
      const train = readSlices(dataDir, 'train').slices;
      const heldOut = evaluationConditions('denoising', { data: train.data, count: train.count, rows: train.size, cols: train.size }, degradation, seed + 1, 8)[0]!.cases;
      const pairs = heldOut.map((c) => ({ noisy: c.input, clean: c.truth, rows: c.rows, cols: c.cols }));
      const { sigma } = chooseGaussianSigma(pairs);
      gaussian = { sigma, heldOutSlices: heldOut.length, candidates: GAUSSIAN_SIGMA_CANDIDATES };
      const { h } = chooseNonLocalMeansH(pairs, (x, rows, cols) => medianFilter(x, rows, cols, 3));
      nlm = { h, heldOutSlices: heldOut.length, candidates: NLM_H_CANDIDATES };
      log(`gaussian baseline: sigma ${sigma} px; median + NLM: h ${h} (chosen on ${heldOut.length} training slices)`);
    }
    const baselines = baselinesFor(task, { gaussianSigma: gaussian?.sigma ?? 1, nonLocalMeansH: nlm?.h ?? 0.04 });
    const samples = o.samples ?? 1;
    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    const results: ConditionResult[] = [];
    for (const condition of conditions) {
      throwIfAborted(o.signal);
      const ours: Float32Array[] = [];
      const started = performance.now();
      for (const [k, c] of condition.cases.entries()) {
        ours.push(clip(await runModel(pipeline, task, c, condition, { sampler, steps, samples, temperature, seed: seed + c.index, normalization: UNIT_SCALE, ...(o.signal ? { signal: o.signal } : {}) })));
        log(`${condition.id}: Med-cDiff ${k + 1}/${condition.cases.length} (${((performance.now() - started) / 1000 / (k + 1)).toFixed(2)} s per slice)`);
      }
      const secondsPerSlice = (performance.now() - started) / 1000 / condition.cases.length;
      const outputs: Array<{ method: Omit<MethodResult, 'scores' | 'summary'>; images: Float32Array[] }> = [
        ...baselines.map((b) => ({ method: { name: b.name, kind: 'baseline' as const, description: b.description }, images: condition.cases.map((c) => b.apply(c)) })),
        { method: { name: 'Med-cDiff', kind: 'model' as const, description: `${sampler}, ${steps} steps${temperature !== 1 ? `, temperature ${temperature}` : ''}${samples > 1 ? `, mean of ${samples} samples` : ''}`, secondsPerSlice }, images: ours },
      ];
      if (regression) {
        const images: Float32Array[] = [];
        for (const c of condition.cases) images.push(clip(await regression.restore(regressionCondition(task, c), c.rows, c.cols)));
        outputs.splice(baselines.length, 0, { method: { name: 'regression U-Net', kind: 'baseline', description: `the same U-Net without time input, trained by MSE on the same data (${regression.card?.trainingSteps ?? '?'} steps)` }, images });
      }
      if (task === 'denoising') outputs.unshift({ method: { name: 'noisy input', kind: 'input', description: 'the noisy slice itself' }, images: condition.cases.map((c) => c.input) });
      const methods: MethodResult[] = [];
      for (const { method, images } of outputs) {
        const scored = condition.cases.map((c, i) => ({ truth: c.truth, output: images[i]!, rows: c.rows, cols: c.cols, ...(c.mask ? { mask: c.mask } : {}) }));
        const scores = await scoreImages(scored);
        // Inpainting changes only the masked pixels: a whole-slice segmentation would hardly see it.
        const dice = task === 'inpainting' ? undefined : await tissueDiceScores(scored);
        methods.push({ ...method, scores, summary: summaries(scores), ...(dice ? { tissueDice: { perSlice: dice, summary: dice.map(summarize) } } : {}) });
      }
      const result: ConditionResult = {
        id: condition.id,
        title: condition.title,
        ...(condition.factor !== undefined ? { factor: condition.factor } : {}),
        slices: condition.cases.map((c) => c.index),
        draws: condition.cases.map((c) => c.draw),
        methods,
        truthAccutance: summarize(await truthAccutance(condition.cases)),
      };
      const shown = Math.min(o.montageSlices ?? 4, condition.cases.length);
      if (shown > 0) {
        const baselineResults = methods.filter((m) => m.kind === 'baseline');
        const best = baselineResults.reduce((a, b) => (b.summary.psnr.mean > a.summary.psnr.mean ? b : a));
        const bestImages = outputs.find((x) => x.method.name === best.name)!.images;
        const grid = condition.cases.slice(0, shown).map((c, i) => montageRow(c, bestImages[i]!, ours[i]!));
        const { rows, cols } = condition.cases[0]!;
        const name = `montage-${condition.id}.png`;
        writeFileSync(join(outDir, name), montagePng(grid, rows, cols, Math.max(1, Math.floor(128 / Math.max(rows, cols)))));
        files.push(join(outDir, name));
        result.montage = name;
      }
      results.push(result);
      log(`${condition.id}: scored ${condition.cases.length} slices`);
    }
    const report: EvaluationReport = {
      format: 'med-cdiff-evaluation',
      version: 1,
      createdAt: new Date().toISOString(),
      task,
      model: { source: typeof o.model === 'string' ? o.model : 'in-memory pipeline', card: pipeline.model.card, imageSize: config.imageSize, parameters: pipeline.model.unet.model.countParams(), degradation: config.degradation },
      ...(o.noise ? { scoredDegradation: degradation } : {}),
      data: { dir: dataDir, name: manifest.name, split, slices: conditions[0]!.cases.length, splitSlices: slices.count, size: [slices.size, slices.size] },
      sampling: { sampler, steps, seed, samples, temperature },
      ...(gaussian ? { gaussianSigma: gaussian } : {}),
      ...(nlm ? { nonLocalMeansH: nlm } : {}),
      backend,
      conditions: results,
    };
    writeFileSync(reportFiles[1]!, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1)}\n`);
    writeFileSync(reportFiles[0]!, reportMarkdown(report));
    files.unshift(...reportFiles);
    if (o.record !== undefined) {
      const modelDir = resolve(o.model as string);
      await writeModelCard(fileWeightsStore(modelDir), cardWithEvaluation(pipeline.model.card!, report, o.record));
      log(`recorded in ${join(modelDir, 'model.json')}'s card as version ${o.record}`);
      files.push(join(modelDir, 'model.json'));
    }
    return { report, files };
  } finally {
    if (typeof o.model === 'string') pipeline.dispose();
    regression?.dispose();
  }
}

/** Refuses, before any work, a version that is not semantic or that the card's changelog already has. */
function checkNextVersion(card: ModelCard | null, version: string): void {
  if (!card) throw new UsageError('--record needs a model with a card; this one has none.');
  const problem = nextVersionProblem(card, version);
  if (problem) throw new UsageError(`--record ${version}: ${problem}.`);
}

/** The condition the pipeline would build for a case (the dataset is already in the [-1, 1] scale). */
function regressionCondition(task: MedCDiffTask, c: EvaluationCase): Float32Array {
  if (task === 'super-resolution') return resize2d(c.input, c.inputRows, c.inputCols, c.rows, c.cols, 'bicubic');
  if (task === 'inpainting') return inpaintingCondition(c.input, c.mask!);
  return c.input;
}

function runModel(pipeline: MedCDiffPipeline, task: MedCDiffTask, c: EvaluationCase, condition: EvaluationCondition, options: RunOptions): Promise<Float32Array> {
  const image = { data: c.input, shape: [c.inputRows, c.inputCols] as const };
  const run =
    task === 'super-resolution' ? pipeline.superResolve(image, { ...options, factor: condition.factor! }) : task === 'denoising' ? pipeline.denoise(image, options) : pipeline.inpaint(image, c.mask!, options);
  return run.then((r) => r.image.data);
}

function summaries(scores: Scores): Record<MetricName, ReturnType<typeof summarize>> {
  return Object.fromEntries(METRICS.map((m) => [m, summarize(scores[m])])) as Record<MetricName, ReturnType<typeof summarize>>;
}

function clip(a: Float32Array): Float32Array {
  return a.map((v) => (v < -1 ? -1 : v > 1 ? 1 : v));
}

/** input | best baseline | Med-cDiff | truth | |error|, all on the truth's grid. */
function montageRow(c: EvaluationCase, baseline: Float32Array, ours: Float32Array): Panel[] {
  const unit = [-1, 1] as const;
  // The low-resolution input is shown with its own pixels (nearest), the hole of an inpainting input in white.
  const input = c.inputRows !== c.rows || c.inputCols !== c.cols ? resize2d(c.input, c.inputRows, c.inputCols, c.rows, c.cols, 'nearest') : c.mask ? c.input.map((v, i) => (c.mask![i] ? 1 : v)) : c.input;
  return [
    { data: input, window: unit },
    { data: baseline, window: unit },
    { data: ours, window: unit },
    { data: c.truth, window: unit },
    { data: ours.map((v, i) => Math.abs(v - c.truth[i]!)), window: ERROR_WINDOW },
  ];
}
