import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, newModelCard, NoiseSchedule, sharedFloat32, type TrainerConfig, type TrainingLog } from '@meddiff/diffusion-core';
import { dataParallelGradients, fileWeightsStore } from '@meddiff/diffusion-core/node';
import { availableParallelism } from 'node:os';
import { datasetInputSpecification, type DatasetManifest } from '@meddiff/imaging';
import { MED_CDIFF_MODEL_CLASS, MED_CDIFF_TASKS, medCDiffConfig, type MedCDiffConfig, type MedCDiffPresetName, type MedCDiffTask } from '../config';
import { MedCDiffModel, RESEARCH_USE, type ModelCard } from '../model';
import { medCDiffReplicaModule } from '../train/replicaModule';
import { createMedCDiffTrainer, validationLoss } from '../train/trainMedCDiff';
import { occupied, parseIntegerOption, readSlices, resolveDatasetDir, useBackend, type CommandBackend, type Log } from './common';
import { NothingToResumeError, OutputExistsError, UsageError } from './errors';

export const PRESETS: readonly MedCDiffPresetName[] = ['paper', 'small', 'tiny'];
/** The side each preset trains at by default, hence which open dataset it reads (tiny trains on open-64 too). */
const PRESET_DATA_SIZE: Record<MedCDiffPresetName, number> = { paper: 128, small: 64, tiny: 64 };

export interface TrainOptions {
  /** Required for a new run; a resumed run keeps its own. */
  task?: MedCDiffTask;
  /** Default 'small'. */
  preset?: MedCDiffPresetName;
  /** Dataset folder or name under <cache>/datasets; default the open dataset at the preset's size. */
  data?: string;
  /** The run folder: run.json, checkpoints/, model/. */
  out: string;
  /** Total steps (a resumed run may raise it to train longer). Default 10 000. */
  steps?: number;
  /** Default 8. */
  batchSize?: number;
  /** Peak learning rate (AdamW, linear warm-up, then constant). Default 2e-4. */
  lr?: number;
  /** Seed of the initial weights' draws in the trainer, the batch order, degradations and noise. Default 0. */
  seed?: number;
  /** Continue the run in `out` from its newest checkpoint. Without it, `out` must be empty or absent. */
  resume?: boolean;
  /**
   * Start a new run from this model folder's weights and config (fine-tuning a model saved by this
   * trainer or by the PyTorch twin); the task and network come from it, so --preset does not apply.
   */
  init?: string;
  /** Select this tfjs backend first; omit to use the one already set. */
  backend?: CommandBackend;
  /**
   * Worker threads that share each batch on the WASM backend (data-parallel; the result does not
   * depend on their number). Default the cores available. WebGPU trains in this thread.
   */
  workers?: number;
  /** Default 100. */
  checkpointEvery?: number;
  /** Fixed-seed validation loss every N steps (0: only at the end). Default 500. */
  validateEvery?: number;
  /** Default 10. */
  logEvery?: number;
  cacheDir?: string;
  log?: Log;
  /** Training progress (the CLI passes consoleTrainingLogger). */
  onLog?: (log: TrainingLog) => void;
  /** Aborting writes a checkpoint, then rejects with CancelledError. */
  signal?: AbortSignal;
}

export interface TrainResult {
  runDir: string;
  modelDir: string;
  startStep: number;
  endStep: number;
  lastLoss: number;
  /** Fixed-seed validation loss of the saved (EMA) weights. */
  validationLoss: number;
  resumedFrom: string | null;
}

/** What a run is, fixed when it starts: a resumed run reads it back so the checkpoints stay valid. */
interface RunSettings {
  format: 'med-cdiff-run';
  version: 1;
  task: MedCDiffTask;
  /** The network's preset; null when the run started from a model folder (`init`). */
  preset: MedCDiffPresetName | null;
  /** The model folder whose weights and config the run started from, if any. */
  init?: string;
  data: string;
  batchSize: number;
  seed: number;
  trainer: Pick<TrainerConfig, 'learningRate' | 'checkpointEvery' | 'validateEvery' | 'logEvery'>;
  createdAt: string;
}

const RUN_FILE = 'run.json';

/**
 * Trains a Med-cDiff model on a slice dataset (see @meddiff/imaging's datasets) with the paper's
 * objective; resumable from the run folder's checkpoints. Writes the EMA weights and a model card
 * (dataset, provenance and licences, steps, intended use) to <out>/model.
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? (() => {});
  for (const [name, value, min] of [['--steps', o.steps, 1], ['--batch-size', o.batchSize, 1], ['--seed', o.seed, 0], ['--checkpoint-every', o.checkpointEvery, 0], ['--validate-every', o.validateEvery, 0], ['--log-every', o.logEvery, 1], ['--workers', o.workers, 1]] as const) parseIntegerOption(name, value, min);
  if (o.lr !== undefined && !(o.lr > 0 && o.lr < 1)) throw new UsageError(`--lr must be in (0, 1), got ${o.lr}.`);
  const runDir = resolve(o.out);
  const runFile = join(runDir, RUN_FILE);
  let settings: RunSettings;
  if (o.resume) {
    if (!existsSync(runFile)) throw new NothingToResumeError(`${runDir} holds no run to resume (no ${RUN_FILE}). Start one without --resume.`);
    settings = JSON.parse(readFileSync(runFile, 'utf8')) as RunSettings;
    refuseChanges(settings, o);
  } else {
    if (occupied(runDir)) throw new OutputExistsError(`${runDir} is not empty${existsSync(runFile) ? ' (it holds a run)' : ''}. Pass --resume to continue a run there, or choose a new --out; nothing was changed.`);
    const initConfig = o.init ? await readInitConfig(o.init, o) : undefined;
    if (initConfig) o = { ...o, task: initConfig.task };
    if (!o.task) throw new UsageError(`--task is required for a new run: one of ${MED_CDIFF_TASKS.join(', ')}.`);
    if (!MED_CDIFF_TASKS.includes(o.task)) throw new UsageError(`Unknown task '${o.task}'. Allowed: ${MED_CDIFF_TASKS.join(', ')}.`);
    const preset = o.preset ?? 'small';
    if (!PRESETS.includes(preset)) throw new UsageError(`Unknown preset '${String(preset)}'. Allowed: ${PRESETS.join(', ')}.`);
    const steps = o.steps ?? 10_000;
    settings = {
      format: 'med-cdiff-run',
      version: 1,
      task: o.task,
      preset: o.init ? null : preset,
      ...(o.init ? { init: resolve(o.init) } : {}),
      data: resolveDatasetDir(o.data, initConfig?.imageSize ?? PRESET_DATA_SIZE[preset], o.cacheDir),
      batchSize: o.batchSize ?? 8,
      seed: o.seed ?? 0,
      trainer: {
        // Warm-up over the first 10 % of the run, at most 100 steps; then constant.
        learningRate: { peak: o.lr ?? 2e-4, warmupSteps: Math.max(1, Math.min(100, Math.round(steps / 10))), decay: 'constant', totalSteps: steps, minimum: 0 },
        checkpointEvery: o.checkpointEvery ?? 100,
        validateEvery: o.validateEvery ?? 500,
        logEvery: o.logEvery ?? 10,
      },
      createdAt: new Date().toISOString(),
    };
  }
  const { slices: readTrain, manifest } = readSlices(settings.data, 'train');
  // Shared memory: the training workers read this copy instead of each making their own.
  const trainSlices = { ...readTrain, data: sharedFloat32(readTrain.data) };
  const { slices: valSlices } = readSlices(settings.data, 'val');
  const backend = o.backend ? (await useBackend(o.backend)).backend : tf.getBackend();
  // The preset (or the init model) chooses the network; the dataset's side is the training size.
  const initial = settings.init ? await MedCDiffModel.load(fileWeightsStore(settings.init)) : undefined;
  const config = initial ? { ...(initial.config as MedCDiffConfig), imageSize: trainSlices.size } : medCDiffConfig(settings.task, settings.preset!, { imageSize: trainSlices.size });
  if (!o.resume) {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(runFile, `${JSON.stringify(settings, null, 1)}\n`);
  }
  const model = MedCDiffModel.create(config);
  if (initial) {
    // Same config, same layer names: copy the weights across (a resumed run then replaces them from its checkpoint).
    model.unet.model.setWeights(initial.unet.model.getWeights());
    initial.dispose();
  }
  let validated: { step: number; loss: number } | undefined;
  const steps = o.steps ?? settings.trainer.learningRate.totalSteps;
  const gradients =
    backend === 'wasm'
      ? await dataParallelGradients({
          model: model.unet.model,
          replica: medCDiffReplicaModule({ config, train: trainSlices, batchSize: settings.batchSize, seed: settings.seed }),
          batchSize: settings.batchSize,
          workers: o.workers ?? availableParallelism(),
          backend: 'wasm',
        }).catch((e: unknown) => {
          model.dispose();
          throw e;
        })
      : undefined;
  let wiring: ReturnType<typeof createMedCDiffTrainer>;
  try {
    wiring = createMedCDiffTrainer({
      ...(gradients ? { gradients } : {}),
      model,
      train: trainSlices,
      validation: valSlices,
      batchSize: settings.batchSize,
      checkpoints: fileWeightsStore(join(runDir, 'checkpoints')),
      config: { ...settings.trainer, steps, seed: settings.seed, learningRate: { ...settings.trainer.learningRate, totalSteps: steps } },
      ...(o.onLog ? { onLog: o.onLog } : {}),
      onValidation: (step, m) => {
        validated = { step, loss: m.validationLoss! };
        log(`step ${step}: validation loss ${m.validationLoss!.toFixed(5)}`);
      },
      warn: (m) => log(`warning: ${m}`),
    });
  } catch (e) {
    await gradients?.dispose();
    model.dispose();
    throw e;
  }
  const { trainer, dispose } = wiring;
  try {
    const from = o.resume ? await trainer.resume() : 0;
    log(`${from ? `resumed ${runDir} at step ${from}` : `training ${runDir}`}: ${settings.task}, ${settings.init ? `from ${settings.init}` : `preset ${settings.preset}`} (${model.unet.model.countParams().toLocaleString('en-US')} parameters, ${config.imageSize} px), ${manifest.name} (${trainSlices.count} train / ${valSlices.count} val slices), batch ${settings.batchSize}, lr ${settings.trainer.learningRate.peak}, ${steps} steps, ${backend}${gradients ? ` on ${gradients.workers} worker thread${gradients.workers > 1 ? 's' : ''}` : ''}`);
    let summary;
    try {
      summary = await trainer.run(o.signal ? { signal: o.signal } : {});
    } catch (e) {
      if (e instanceof CancelledError) throw new CancelledError(`Training stopped at step ${trainer.step}; a checkpoint was written to ${join(runDir, 'checkpoints')}. Continue with --resume.`);
      throw e;
    }
    // The saved weights' validation loss (EMA weights, as the trainer validates), unless the last step was just validated.
    let loss = validated?.step === summary.endStep ? validated.loss : Number.NaN;
    if (Number.isNaN(loss)) {
      const schedule = new NoiseSchedule(config.noiseSchedule);
      const tensors = schedule.upload();
      try {
        loss = await trainer.withEmaWeights(() => validationLoss(model, valSlices, schedule, tensors));
      } finally {
        tf.dispose(Object.values(tensors));
      }
    }
    const modelDir = join(runDir, 'model');
    const card = modelCard(settings, config, manifest, summary.endStep, loss, gradients ? `${backend} (${gradients.workers} worker threads)` : backend, trainSlices.count, valSlices.count);
    // The model folder belongs to this run (a new run starts in an empty folder), so a longer run replaces it.
    await trainer.saveModel(fileWeightsStore(modelDir), { modelClass: MED_CDIFF_MODEL_CLASS, config, card, overwrite: true });
    log(`step ${summary.endStep}: validation loss ${loss.toFixed(5)} (EMA weights); model written to ${modelDir}`);
    return { runDir, modelDir, startStep: summary.startStep, endStep: summary.endStep, lastLoss: summary.lastLoss, validationLoss: loss, resumedFrom: summary.resumedFrom };
  } finally {
    await dispose();
    model.dispose();
  }
}

/** The config of the model a new run starts from; --task and --preset must not contradict it. */
async function readInitConfig(init: string, o: TrainOptions): Promise<MedCDiffConfig> {
  if (o.preset) throw new UsageError(`--init ${init} gives the network; leave out --preset.`);
  // Only the config here (the backend is not chosen yet); the weights are read and checked after.
  const file = join(resolve(init), 'model.json');
  if (!existsSync(file)) throw new UsageError(`--init ${init} holds no model.json; give a model folder (<run>/model).`);
  const config = (JSON.parse(readFileSync(file, 'utf8')) as { userDefinedMetadata?: { meddiff?: { modelClass?: string; config?: MedCDiffConfig } } }).userDefinedMetadata?.meddiff;
  if (config?.modelClass !== MED_CDIFF_MODEL_CLASS || !config.config) throw new UsageError(`--init ${init} is not a Med-cDiff model folder.`);
  if (o.task && o.task !== config.config.task) throw new UsageError(`--init ${init} is a ${config.config.task} model, not ${o.task}; leave out --task or choose another model.`);
  return config.config;
}

/** A resumed run keeps its settings: an option that contradicts them is an error, not a silent change. */
function refuseChanges(s: RunSettings, o: TrainOptions): void {
  const given: Array<[string, unknown, unknown]> = [
    ['--task', o.task, s.task],
    ['--preset', o.preset, s.preset],
    ['--init', o.init && resolve(o.init), s.init],
    ['--batch-size', o.batchSize, s.batchSize],
    ['--lr', o.lr, s.trainer.learningRate.peak],
    ['--seed', o.seed, s.seed],
    ['--checkpoint-every', o.checkpointEvery, s.trainer.checkpointEvery],
    ['--validate-every', o.validateEvery, s.trainer.validateEvery],
    ['--log-every', o.logEvery, s.trainer.logEvery],
  ];
  const changed = given.filter(([, v, saved]) => v !== undefined && v !== saved).map(([name, v, saved]) => `${name} ${String(v)} (the run has ${String(saved)})`);
  if (o.data !== undefined && resolveDatasetDir(o.data, 0, o.cacheDir) !== s.data) changed.push(`--data ${o.data} (the run has ${s.data})`);
  if (changed.length) throw new UsageError(`A resumed run keeps its settings; these differ: ${changed.join('; ')}. Leave them out (only --steps may change), or start a new run.`);
}

function modelCard(s: RunSettings, config: MedCDiffConfig, m: DatasetManifest, steps: number, loss: number, backend: string, trainCount: number, valCount: number): ModelCard {
  const train = m.volumes.filter((v) => v.split === 'train');
  const licences = [...new Set(train.flatMap((v) => v.provenance.map((p) => p.licence)))];
  const card = newModelCard(
    {
      name: `med-cdiff-${s.task}${s.preset ? `-${s.preset}` : ''}`,
      intendedUse: RESEARCH_USE,
      input: datasetInputSpecification(m, config.augmentation?.scales ? { zoom: config.augmentation.scales } : {}),
      trainedOn: `${m.name} (${trainCount} slices of ${[...new Set(train.map((v) => v.subject))].join(', ')}; licences ${licences.join(', ')})`,
      trainingSteps: steps,
      metrics: Number.isFinite(loss) ? [{ name: 'validationLoss', value: loss, condition: 'the training objective with fixed draws (EMA weights)', data: `${m.name} val` }] : [],
      ...(s.preset ? { preset: s.preset } : { initFrom: s.init }),
      dataset: {
        name: m.name,
        inputsKey: m.inputsKey,
        size: m.size,
        slices: { train: trainCount, val: valCount },
        subjects: m.subjects,
        sources: m.volumes.map((v) => ({ id: v.id, subject: v.subject, split: v.split, modality: v.modality, provenance: v.provenance })),
      },
      training: { batchSize: s.batchSize, learningRate: s.trainer.learningRate, seed: s.seed, backend, validationLoss: loss, objective: 'epsilon prediction, MSE, t uniform over the T steps (Hung et al. 2023)' },
      createdAt: new Date().toISOString(),
    },
    `Trained ${steps} steps on ${m.name}.`,
  );
  return { ...card, task: s.task };
}
