import * as tf from '@tensorflow/tfjs-core';
// Importing tfjs-layers registers the gradient of every tfjs-core op, in ESM and CJS alike
// (tfjs-core's own register_all_gradients file cannot be imported by plain Node from a bundle).
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, throwIfAborted, TrainingDivergedError } from '../errors';
import { saveModel, type SaveModelOptions, type SavedModelMetadata } from '../io/savedModel';
import type { WeightsStore } from '../io/weightsStore';
import { registerWasmGradientKernels } from '../runtime/wasmGradients/index';
import { yieldToEventLoop } from '../runtime/yieldToEventLoop';
import { mixSeed } from '../samplers/seededNoise';
import { AdamW } from './adamW';
import type { BatchSource } from './batchSource';
import { LocalGradients, type GradientSource, type LossFunction } from './gradientSource';
import { CheckpointManager, type TrainingState } from './checkpoints';
import { ExponentialMovingAverage } from './ema';
import { clipByGlobalNorm, globalNorm } from './gradientClipping';
import { learningRateAt } from './learningRate';
import { configDifferences, resolveTrainerConfig, type TrainerConfig } from './trainerConfig';

export interface TrainingLog {
  step: number;
  totalSteps: number;
  loss: number;
  learningRate: number;
  gradientNorm: number;
  /** Examples per second over the last logging interval. */
  imagesPerSecond: number;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainerCommonOptions {
  model: tfl.LayersModel;
  /** The network's config, saved with every checkpoint and compared on resume. */
  modelConfig: unknown;
  /** Examples per (global) batch. */
  batchSize: number;
  config?: Partial<TrainerConfig>;
  /** Where checkpoints go (a folder in Node, any WeightsStore elsewhere); none keeps no checkpoints. */
  checkpoints?: WeightsStore;
  onLog?: (log: TrainingLog) => void;
  /** Runs every `validateEvery` steps with the EMA weights in place (if any); returns metrics to log. */
  validate?: (step: number) => Promise<Record<string, number>>;
  onValidation?: (step: number, metrics: Record<string, number>) => void;
  warn?: (message: string) => void;
}

/**
 * The model and run settings, and where gradients come from: a loss and a batch source computed in
 * this thread (any platform), or a `GradientSource` such as `dataParallelGradients` (Node: worker
 * threads, each computing a share of every batch, so training uses every core).
 */
export type TrainerOptions<B> = TrainerCommonOptions & ({ loss: LossFunction<B>; data: BatchSource<B> } | { gradients: GradientSource });

export interface TrainingSummary {
  startStep: number;
  endStep: number;
  lastLoss: number;
  resumedFrom: string | null;
}

/**
 * The training loop: AdamW with warm-up and a constant or cosine learning rate, clipping by
 * global norm, an EMA of the weights, seeded draws, periodic atomic checkpoints and exact resume.
 * It imports nothing Node-specific: checkpoints go through a WeightsStore, so the same code
 * trains in a browser.
 */
export class Trainer<B> {
  readonly config: TrainerConfig;
  step = 0;
  private readonly params: tf.Variable[];
  private readonly optimizer: AdamW;
  private readonly ema: ExponentialMovingAverage | null;
  private readonly checkpoints: CheckpointManager | null;
  private readonly gradients: GradientSource;
  private resumedFrom: string | null = null;

  constructor(private readonly o: TrainerOptions<B>) {
    this.config = resolveTrainerConfig(o.config);
    // The stock wasm backend cannot train a U-Net (no Conv2DBackpropFilter); other backends need nothing.
    if (tf.getBackend() === 'wasm') registerWasmGradientKernels();
    this.params = o.model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (!this.params.length) throw new ConfigError('The model has no trainable weights.');
    this.optimizer = new AdamW(this.params, this.config.optimizer);
    this.ema = this.config.ema ? new ExponentialMovingAverage(this.params, this.config.ema) : null;
    this.checkpoints = o.checkpoints ? new CheckpointManager(o.checkpoints, this.config.keepCheckpoints, o.warn) : null;
    this.gradients = 'gradients' in o ? o.gradients : new LocalGradients(o.loss, o.data, o.batchSize);
  }

  /**
   * Continues from the newest usable checkpoint, if there is one, and returns its step (0 when
   * starting fresh). Refuses a checkpoint of another model or trainer config, naming the fields.
   */
  async resume(): Promise<number> {
    if (!this.checkpoints) return 0;
    const loaded = await this.checkpoints.loadLatest();
    if (!loaded) return 0;
    const { state, tensors, folder } = loaded;
    try {
      const differences = [
        ...configDifferences(state.modelConfig, this.o.modelConfig).map((d) => `model ${d}`),
        ...configDifferences({ ...(state.trainerConfig as TrainerConfig), steps: 0, learningRate: { ...(state.trainerConfig as TrainerConfig).learningRate, totalSteps: 0 } }, { ...this.config, steps: 0, learningRate: { ...this.config.learningRate, totalSteps: 0 } }).map((d) => `trainer ${d}`),
        ...configDifferences(state.parameters, this.parameterList()).map((d) => `parameters ${d}`),
      ];
      if (differences.length) {
        throw new ConfigError(`The checkpoint in ${this.checkpoints.store.location}/${folder} belongs to another configuration (${differences.slice(0, 5).join('; ')}). Use a new checkpoint folder, or the config it was trained with.`);
      }
      this.params.forEach((p, i) => p.assign(tensors.weights[i]!));
      if (this.ema && tensors.ema) this.ema.restore(tensors.ema);
      this.optimizer.restore(state.optimizerIterations, tensors.adamM, tensors.adamV);
      this.gradients.position = state.dataPosition;
      this.step = state.step;
      this.resumedFrom = folder;
      return state.step;
    } finally {
      tf.dispose([...tensors.weights, ...(tensors.ema ?? []), ...tensors.adamM, ...tensors.adamV]);
    }
  }

  /** Trains until `config.steps`, or until aborted (then a checkpoint is written first). */
  async run(options: { signal?: AbortSignal } = {}): Promise<TrainingSummary> {
    const { signal } = options;
    const c = this.config;
    const startStep = this.step;
    const started = performance.now();
    let intervalStart = started;
    let intervalSteps = 0;
    let lastLoss = Number.NaN;
    while (this.step < c.steps) {
      if (signal?.aborted) {
        await this.saveCheckpoint();
        throwIfAborted(signal);
      }
      const { loss, gradientNorm } = await this.trainStep();
      lastLoss = loss;
      intervalSteps++;
      if (this.step % c.logEvery === 0 || this.step === c.steps) {
        const now = performance.now();
        const elapsedMs = now - started;
        const done = this.step - startStep;
        this.o.onLog?.({
          step: this.step,
          totalSteps: c.steps,
          loss,
          learningRate: learningRateAt(this.step - 1, c.learningRate),
          gradientNorm,
          imagesPerSecond: (intervalSteps * this.o.batchSize * 1000) / Math.max(now - intervalStart, 1e-3),
          elapsedMs,
          etaMs: (elapsedMs / done) * (c.steps - this.step),
        });
        intervalStart = now;
        intervalSteps = 0;
      }
      if (c.validateEvery && this.o.validate && this.step % c.validateEvery === 0) {
        const metrics = await this.withEmaWeights(() => this.o.validate!(this.step));
        this.o.onValidation?.(this.step, metrics);
      }
      if (c.checkpointEvery && this.step % c.checkpointEvery === 0) await this.saveCheckpoint();
      await yieldToEventLoop();
    }
    if (!c.checkpointEvery || this.step % c.checkpointEvery !== 0) await this.saveCheckpoint();
    return { startStep, endStep: this.step, lastLoss, resumedFrom: this.resumedFrom };
  }

  /** One optimisation step. A non-finite loss or gradient throws before the weights change. */
  async trainStep(): Promise<{ loss: number; gradientNorm: number }> {
    const c = this.config;
    const seed = mixSeed(c.seed, this.step);
    let value: tf.Scalar | undefined;
    let grads: tf.Tensor[] = [];
    let clipped: tf.Tensor[] = [];
    let norm: tf.Scalar | undefined;
    try {
      const computed = await this.gradients.compute(this.params, { step: this.step, seed });
      ({ loss: value, grads } = computed);
      const batchDescription = computed.batch;
      // Between the phases of a step, let signal handlers and messages run: a process started by tsx
      // that does not answer SIGINT within about 60 ms is killed before it can write its checkpoint.
      await yieldToEventLoop();
      ({ grads: clipped, norm } = c.gradientClipNorm > 0 ? clipByGlobalNorm(grads, c.gradientClipNorm) : { grads, norm: globalNorm(grads) });
      const both = tf.tidy(() => tf.stack([value!, norm!]));
      const [loss, gradientNorm] = await both.data();
      both.dispose();
      if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) {
        throw new TrainingDivergedError(this.step, batchDescription, `Training diverged at step ${this.step} (${batchDescription}): loss ${loss}, gradient norm ${gradientNorm}. The weights were not updated; the last good checkpoint is kept. Lower the learning rate or check the data for NaN.`);
      }
      await yieldToEventLoop();
      this.optimizer.apply(clipped, learningRateAt(this.step, c.learningRate));
      await yieldToEventLoop();
      this.ema?.update(this.params, this.step);
      this.step++;
      return { loss: loss!, gradientNorm: gradientNorm! };
    } finally {
      tf.dispose([...grads, ...clipped.filter((g) => !grads.includes(g))]);
      value?.dispose();
      norm?.dispose();
    }
  }

  async saveCheckpoint(): Promise<string | null> {
    if (!this.checkpoints) return null;
    const opt = this.optimizer.state();
    const state: TrainingState = {
      step: this.step,
      modelConfig: this.o.modelConfig,
      trainerConfig: this.config,
      dataPosition: this.gradients.position,
      optimizerIterations: opt.iterations,
      parameters: this.parameterList(),
      extra: {},
    };
    return this.checkpoints.save(state, { weights: this.params, ema: this.ema?.shadow ?? null, adamM: opt.m, adamV: opt.v });
  }

  /** Runs `fn` with the EMA weights in the model (when there is an EMA), then puts the raw weights back. */
  async withEmaWeights<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.ema) return fn();
    const raw = this.params.map((p) => p.clone());
    this.params.forEach((p, i) => p.assign(this.ema!.shadow[i]!));
    try {
      return await fn();
    } finally {
      this.params.forEach((p, i) => p.assign(raw[i]!));
      tf.dispose(raw);
    }
  }

  /** Saves the model for inference (EMA weights when there is an EMA) in the standard format. */
  saveModel<C>(store: WeightsStore, options: SaveModelOptions<C>): Promise<SavedModelMetadata<C>> {
    return this.withEmaWeights(() => saveModel(this.o.model, store, options));
  }

  /** Frees the optimiser state and the EMA, and stops the gradient source's workers (if any). */
  async dispose(): Promise<void> {
    this.optimizer.dispose();
    this.ema?.dispose();
    await this.gradients.dispose();
  }

  private parameterList(): Array<{ name: string; shape: number[] }> {
    return this.o.model.trainableWeights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] }));
  }
}
