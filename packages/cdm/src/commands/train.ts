import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { newModelCard, saveModel, sharedFloat32, type TrainerConfig, type TrainingLog, type WeightsStore } from '@meddiff/diffusion-core';
import { datasetInputSpecification, type DatasetManifest } from '@meddiff/imaging';
import { dataParallelGradients, fileWeightsStore } from '@meddiff/diffusion-core/node';
import { availableParallelism } from 'node:os';
import { createPlainUNet, BASELINE_MODEL_CLASS } from '../baselines/plainUNet';
import { cdmConfig, CDM_SIZE_PRESETS, type CdmConfig, type CdmSizePresetName, type MdnConditioning } from '../config';
import { MODALITY_PRESETS, type ModalityPresetName } from '../modalities';
import { CDM_PARTS, CdmModel, RESEARCH_USE, type CdmPart, type ModelCard } from '../model';
import { createBaselineTrainer } from '../train/trainBaseline';
import { cdmReplicaModule } from '../train/replicaModule';
import { createCunetTrainer, cunetSourceVectors, DEFAULT_TRAINING_MDN_STEPS } from '../train/trainCunet';
import { createMdnTrainer, mdnTrainingItems } from '../train/trainMdn';
import { createMrmTrainer } from '../train/trainMrm';
import type { StageOptions, StageTrainer } from '../train/stageOptions';
import { datasetFromFolder, readPairedSlices, resolveDatasetDir, useBackend, type CommandBackend, type Log } from './common';
import { UsageError } from './errors';

export type TrainStage = 'mrm' | 'mdn' | 'cunet' | 'baseline';
export const TRAIN_STAGES: readonly (TrainStage | 'all')[] = ['mrm', 'mdn', 'cunet', 'baseline', 'all'];
const ALL_STAGES: readonly TrainStage[] = ['mrm', 'mdn', 'cunet', 'baseline'];

/** Steps per stage when not given: enough to beat histogram matching on the simulated data (see the README). */
export const DEFAULT_STAGE_STEPS: Record<CdmSizePresetName, Record<TrainStage, number>> = {
  tiny: { mrm: 600, mdn: 2000, cunet: 1500, baseline: 1500 },
  small: { mrm: 2000, mdn: 4000, cunet: 4000, baseline: 4000 },
  paper: { mrm: 20000, mdn: 20000, cunet: 40000, baseline: 40000 },
};
const DEFAULT_BATCH: Record<TrainStage, number> = { mrm: 8, mdn: 64, cunet: 8, baseline: 8 };

export interface TrainCommandOptions {
  /** One stage, or 'all' (MRM, MDN, C-UNet, then the plain U-Net baseline). */
  stage: TrainStage | 'all';
  /** The run folder: run.json, checkpoints/<stage>/, model/ (the CDM model), baseline/. */
  out: string;
  /** Dataset folder or name under <cache>/datasets; default cdm-sim-64. */
  data?: string;
  /** A folder of co-registered NIfTI cases (BraTS layout), turned into a dataset first. */
  from?: string;
  /** A named modality setting; or sources and targets. Default t1-to-t2-flair. */
  modalities?: ModalityPresetName;
  sources?: string[];
  targets?: string[];
  /** Network size; default small. */
  size?: CdmSizePresetName;
  imageSize?: number;
  loss?: 'l1' | 'mse';
  mdnConditioning?: MdnConditioning;
  /** Steps of the stage (each stage, with 'all'); per-stage values win. A finished stage is not trained again. */
  steps?: number;
  stageSteps?: Partial<Record<TrainStage, number>>;
  batchSize?: number;
  /** Peak learning rate (AdamW, warm-up then cosine decay to a tenth). Default 1e-3. */
  lr?: number;
  seed?: number;
  checkpointEvery?: number;
  validateEvery?: number;
  logEvery?: number;
  backend?: CommandBackend;
  /**
   * Worker threads that share each batch on the WASM backend (data-parallel; the result does not
   * depend on their number). Default the cores available. WebGPU trains in this thread.
   */
  workers?: number;
  cacheDir?: string;
  log?: Log;
  onLog?: (log: TrainingLog) => void;
  signal?: AbortSignal;
}

export interface StageReport {
  stage: TrainStage;
  steps: number;
  resumedFrom: string | null;
  skipped: boolean;
  lastLoss: number;
  validation: Record<string, number>;
  seconds: number;
}

/** What a run is, fixed when it starts; later stages and resumed runs read it back. */
interface RunFile {
  format: 'cdm-run';
  version: 1;
  config: CdmConfig;
  data: string;
  seed: number;
  stages: Partial<Record<TrainStage, Omit<StageReport, 'skipped'>>>;
  /** Each started stage's trainer settings and batch size: a resumed stage must use the same (its checkpoints are refused otherwise). */
  settings: Partial<Record<TrainStage, { trainer: Partial<TrainerConfig>; batchSize: number }>>;
  createdAt: string;
}
const RUN_FILE = 'run.json';

function readRun(dir: string): RunFile | null {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) return null;
  const run = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
  if (run.format !== 'cdm-run') throw new UsageError(`${path} is not a CDM run file; choose another --out folder.`);
  run.settings ??= {};
  return run;
}

function configFromOptions(o: TrainCommandOptions): CdmConfig {
  if ((o.sources && !o.targets) || (!o.sources && o.targets)) throw new UsageError('Give both --sources and --targets, or a --modalities preset.');
  if (o.sources && o.modalities) throw new UsageError('Give either --modalities or --sources/--targets, not both.');
  if (o.modalities && !(o.modalities in MODALITY_PRESETS)) throw new UsageError(`Unknown modality setting '${o.modalities}'. Allowed: ${Object.keys(MODALITY_PRESETS).join(', ')}.`);
  if (o.size && !CDM_SIZE_PRESETS.includes(o.size)) throw new UsageError(`Unknown size '${o.size}'. Allowed: ${CDM_SIZE_PRESETS.join(', ')}.`);
  const base = cdmConfig({ modalities: o.sources ? { sources: o.sources, targets: o.targets! } : (o.modalities ?? 't1-to-t2-flair'), size: o.size ?? 'small' });
  const overrides: Partial<CdmConfig> = {
    ...(o.imageSize ? { imageSize: o.imageSize } : {}),
    ...(o.loss ? { loss: o.loss } : {}),
    ...(o.mdnConditioning ? { mdn: { ...base.mdn, conditioning: o.mdnConditioning } } : {}),
  };
  return Object.keys(overrides).length ? cdmConfig({ modalities: base.modalities, size: o.size ?? 'small', overrides }) : base;
}

function sizeOf(config: CdmConfig): CdmSizePresetName {
  const base = config.mrm.unet.baseChannels;
  return base >= 64 ? 'paper' : base >= 16 ? 'small' : 'tiny';
}

/**
 * Trains CDM in stages, each resumable from its checkpoints (Ctrl-C writes one): the MRM, the
 * MDN on the frozen MRM's vectors, the C-UNet with both frozen and fed MDN draws, and the plain
 * U-Net baseline. Each finished stage saves its network under model/ (baseline/ for the
 * baseline); after the C-UNet, model/ is a complete CDM model for `run`, `evaluate` and the
 * pipeline. A stage already saved is skipped.
 */
export async function train(o: TrainCommandOptions): Promise<{ runDir: string; modelDir: string; stages: StageReport[] }> {
  const log = o.log ?? (() => undefined);
  if (!TRAIN_STAGES.includes(o.stage)) throw new UsageError(`Unknown stage '${String(o.stage)}'. Allowed: ${TRAIN_STAGES.join(', ')}.`);
  const runDir = resolve(o.out);
  const existing = readRun(runDir);
  let config: CdmConfig;
  let dataDir: string;
  if (existing) {
    config = existing.config;
    const asked = o.sources || o.modalities || o.size || o.imageSize || o.loss || o.mdnConditioning ? configFromOptions(o) : null;
    if (asked && JSON.stringify(asked) !== JSON.stringify(config)) {
      throw new UsageError(`${runDir} is a run of ${config.modalities.sources.join('+')} -> ${config.modalities.targets.join(',')} at ${config.imageSize} px; the model options given describe another model. Continue it without model options, or start a new --out folder.`);
    }
    dataDir = o.from ? await datasetFromFolder(o.from, [...config.modalities.sources, ...config.modalities.targets], config.imageSize, o.cacheDir, log) : o.data ? resolveDatasetDir(o.data, o.cacheDir) : existing.data;
  } else {
    config = configFromOptions(o);
    dataDir = o.from ? await datasetFromFolder(o.from, [...config.modalities.sources, ...config.modalities.targets], config.imageSize, o.cacheDir, log) : resolveDatasetDir(o.data, o.cacheDir);
  }
  if (o.backend) log(`backend: ${(await useBackend(o.backend)).summary}`);
  const run: RunFile = existing ?? { format: 'cdm-run', version: 1, config, data: dataDir, seed: o.seed ?? 0, stages: {}, settings: {}, createdAt: new Date().toISOString() };
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, RUN_FILE), `${JSON.stringify(run, null, 1)}\n`);

  const read = readPairedSlices(dataDir, 'train', config);
  // Shared memory: the training workers read this copy instead of each making their own.
  const train = { ...read, data: sharedFloat32(read.data) };
  const validation = readPairedSlices(dataDir, 'val', config);
  log(`data: ${dataDir}: ${train.count} training and ${validation.count} validation slices at ${config.imageSize} px; ${config.modalities.sources.join(' + ')} -> ${config.modalities.targets.join(', ')}`);
  const modelDir = join(runDir, 'model');
  const store = fileWeightsStore(modelDir);
  const stages = o.stage === 'all' ? ALL_STAGES : [o.stage];
  const reports: StageReport[] = [];
  for (const stage of stages) {
    const report = await trainStage(stage, { o, run, runDir, store, train, validation, log });
    reports.push(report);
    if (!report.skipped) {
      const { skipped: _, ...kept } = report;
      run.stages[stage] = kept;
      writeFileSync(join(runDir, RUN_FILE), `${JSON.stringify(run, null, 1)}\n`);
    }
    if (stage === 'cunet' && !report.skipped) {
      const parts = CDM_PARTS.filter((p) => run.stages[p]);
      await CdmModel.writeIndex(store, config, modelCard('cdm', run, dataDir, Object.fromEntries(parts.map((p) => [p, run.stages[p]!.steps])), Object.fromEntries(parts.map((p) => [p, run.stages[p]!.validation]))), true);
      log(`model: ${modelDir} (cdm.json and the mrm, mdn and cunet parts)`);
    }
  }
  return { runDir, modelDir, stages: reports };
}

/** The card of the CDM (its three parts) or of the plain U-Net baseline trained beside it. */
function modelCard(network: 'cdm' | 'baseline', run: RunFile, dataDir: string, trainingSteps: Record<string, number>, validation: Record<string, Record<string, number>>): ModelCard {
  const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8')) as DatasetManifest;
  const { sources, targets } = run.config.modalities;
  // The data set's name, not this machine's path: cards are published with the weights.
  const data = `${manifest.name} val`;
  const metrics = Object.entries(validation).flatMap(([stage, scores]) =>
    Object.entries(scores).filter(([, v]) => Number.isFinite(v)).map(([name, value]) => ({ name, value, condition: `${stage} validation (EMA weights)`, data })),
  );
  return newModelCard(
    {
      name: `${network === 'cdm' ? 'cdm' : 'cdm-plain-unet'}-${[...sources, 'to', ...targets].join('-').toLowerCase()}`,
      intendedUse: RESEARCH_USE,
      input: datasetInputSpecification(manifest, { channels: sources }),
      trainedOn: `data set ${manifest.name} (${sources.join(' + ')} -> ${targets.join(', ')})`,
      trainingSteps,
      metrics,
      notes: 'simulation' in manifest ? 'Trained on simulated contrasts rendered from real anatomy, not on patient acquisitions.' : '',
    },
    `Trained on ${manifest.name}: ${Object.entries(trainingSteps).map(([p, n]) => `${p} ${n} steps`).join(', ')}.`,
  ) as ModelCard;
}

interface StageContext {
  o: TrainCommandOptions;
  run: RunFile;
  runDir: string;
  store: WeightsStore;
  train: StageOptions['train'];
  validation: StageOptions['validation'];
  log: Log;
}

async function trainStage(stage: TrainStage, c: StageContext): Promise<StageReport> {
  const { o, run, runDir, store, log } = c;
  const config = run.config;
  const baselineDir = join(runDir, 'baseline');
  const done = stage === 'baseline' ? existsSync(join(baselineDir, 'model.json')) : await CdmModel.hasPart(store, stage);
  if (done) {
    log(`${stage}: already trained (${stage === 'baseline' ? baselineDir : join(runDir, 'model', stage)}); delete that folder to train it again`);
    return { stage, steps: run.stages[stage]?.steps ?? 0, resumedFrom: null, skipped: true, lastLoss: Number.NaN, validation: run.stages[stage]?.validation ?? {}, seconds: 0 };
  }
  const needs: CdmPart[] = stage === 'mdn' ? ['mrm'] : stage === 'cunet' ? ['mrm', 'mdn'] : [];
  for (const part of needs) if (!(await CdmModel.hasPart(store, part))) throw new UsageError(`The ${stage} stage needs the trained ${part} (${join(runDir, 'model', part)}); run \`cdm train --stage ${part} --out ${runDir}\` first, or --stage all.`);
  const saved = run.settings[stage];
  let trainerConfig: Partial<TrainerConfig>;
  let batchSize: number;
  if (saved) {
    // A stage that started before continues with its settings; only the number of steps may grow.
    if (o.lr !== undefined || o.batchSize !== undefined) throw new UsageError(`The ${stage} stage of ${runDir} started with its own learning rate and batch size; continue it without --lr and --batch-size, or delete ${join(runDir, 'checkpoints', stage)} to start it again.`);
    const steps = o.stageSteps?.[stage] ?? o.steps ?? saved.trainer.steps!;
    trainerConfig = { ...saved.trainer, steps, learningRate: { ...saved.trainer.learningRate!, totalSteps: steps } };
    batchSize = saved.batchSize;
  } else {
    const steps = o.stageSteps?.[stage] ?? o.steps ?? DEFAULT_STAGE_STEPS[sizeOf(config)][stage];
    const lr = o.lr ?? 1e-3;
    trainerConfig = {
      steps,
      seed: run.seed,
      learningRate: { peak: lr, warmupSteps: Math.min(100, Math.floor(steps / 10)), decay: 'cosine', totalSteps: steps, minimum: lr / 10 },
      checkpointEvery: o.checkpointEvery ?? Math.max(1, Math.min(200, Math.floor(steps / 5))),
      validateEvery: o.validateEvery ?? Math.max(1, Math.floor(steps / 5)),
      logEvery: o.logEvery ?? Math.max(1, Math.min(50, Math.floor(steps / 20))),
      ema: { maxDecay: 0.999, warmup: true },
    };
    batchSize = o.batchSize ?? DEFAULT_BATCH[stage];
    run.settings[stage] = { trainer: trainerConfig, batchSize };
    writeFileSync(join(runDir, RUN_FILE), `${JSON.stringify(run, null, 1)}\n`);
  }
  const steps = trainerConfig.steps!;
  const model = CdmModel.create(config);
  const baseline = stage === 'baseline' ? createPlainUNet(config) : null;
  const started = performance.now();
  let wiring: StageTrainer<unknown> | undefined;
  let gradients: Awaited<ReturnType<typeof dataParallelGradients>> | undefined;
  try {
    for (const part of needs) await model.loadPart(store, part);
    // What the stage computes once from the frozen parts, for this thread and every worker.
    const mdnItems = stage === 'mdn' ? await mdnTrainingItems(model, c.train) : undefined;
    const sourceVectors = stage === 'cunet' ? await cunetSourceVectors(model, c.train) : undefined;
    gradients =
      tf.getBackend() === 'wasm'
        ? await dataParallelGradients({
            model: baseline ? baseline.model : model.network(stage as CdmPart),
            replica: cdmReplicaModule({ stage, config, modelDir: join(runDir, 'model'), train: c.train, batchSize, seed: trainerConfig.seed ?? 0, mdnSteps: DEFAULT_TRAINING_MDN_STEPS, ...(mdnItems ? { mdnItems } : {}), ...(sourceVectors ? { sourceVectors } : {}) }),
            batchSize,
            workers: o.workers ?? availableParallelism(),
            backend: 'wasm',
          })
        : undefined;
    const common: StageOptions = {
      ...(gradients ? { gradients } : {}),
      model,
      train: c.train,
      ...(c.validation ? { validation: c.validation } : {}),
      batchSize,
      config: trainerConfig,
      checkpoints: fileWeightsStore(join(runDir, 'checkpoints', stage)),
      ...(o.onLog ? { onLog: o.onLog } : {}),
      onValidation: (step, metrics) => log(`${stage} step ${step}: ${formatMetrics(metrics)}`),
      warn: log,
    };
    log(`${stage}: training ${steps} steps${gradients ? ` on ${gradients.workers} worker thread${gradients.workers > 1 ? 's' : ''}` : ''}`);
    wiring = (
      stage === 'mrm'
        ? createMrmTrainer(common)
        : stage === 'mdn'
          ? await createMdnTrainer({ ...common, ...(mdnItems ? { items: mdnItems } : {}) })
          : stage === 'cunet'
            ? await createCunetTrainer({ ...common, mdnSteps: DEFAULT_TRAINING_MDN_STEPS, ...(sourceVectors ? { sourceVectors } : {}) })
            : createBaselineTrainer({ ...common, baseline: baseline! })
    ) as StageTrainer<unknown>;
    const from = await wiring.trainer.resume();
    if (from > 0) log(`${stage}: resuming at step ${from}`);
    const summary = await wiring.trainer.run(o.signal ? { signal: o.signal } : {});
    const w = wiring;
    const validation = await w.trainer.withEmaWeights(async () => {
      if (stage === 'baseline') await saveModel(baseline!.model, fileWeightsStore(baselineDir), { modelClass: BASELINE_MODEL_CLASS, config, card: modelCard('baseline', c.run, c.run.data, { baseline: summary.endStep }, {}), overwrite: true });
      else await model.savePart(store, stage, { overwrite: true });
      return w.validate ? w.validate() : {};
    });
    log(`${stage}: saved after ${summary.endStep} steps${Object.keys(validation).length ? `; ${formatMetrics(validation)}` : ''}`);
    return { stage, steps: summary.endStep, resumedFrom: summary.resumedFrom, skipped: false, lastLoss: summary.lastLoss, validation, seconds: (performance.now() - started) / 1000 };
  } finally {
    // The trainer stops the workers; without one (a failure while wiring), stop them here.
    if (wiring) await wiring.dispose();
    else await gradients?.dispose();
    model.dispose();
    baseline?.dispose();
  }
}

export function formatMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
    .join(', ');
}
