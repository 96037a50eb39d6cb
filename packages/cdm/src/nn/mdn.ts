import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { allRows, DdimScheduler, drawRows, NoiseSchedule, sample, seededNormal, ShapeError, type BatchRows, type NoiseScheduleConfig, type SamplingProgress } from '@meddiff/diffusion-core';
import { standardizeGroups } from './representation';
import { buildResidualMlp, type ResidualMlpOptions } from './residualMlp';

export interface MdnNetworkOptions extends ResidualMlpOptions {
  noiseSchedule: NoiseScheduleConfig;
  /**
   * Add sqrt(alpha-bar_t) x_t to the network's output: the exact E[x0 | x_t] for standard-normal
   * data, which standardised vectors resemble, so the MLP learns only the correction. Still
   * x0-parameterised; keeps the low-noise steps close to the identity, where a plain x0 network
   * snaps every sample to its mode (measured in the tests). False gives the plain residual MLP.
   */
  gaussianSkip: boolean;
  /** The data vector is this many per-contrast representations; each is re-standardised after sampling. */
  groups: number;
}

export interface MdnSampleOptions {
  /** How many vectors; with a condition, its batch size. */
  batch: number;
  /** (batch, conditionDim) for a conditioned MDN. */
  condition?: tf.Tensor2D;
  steps: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: SamplingProgress) => void;
}

/**
 * MDN, the Modality-decoupled Diffusion Network: a diffusion model over representation vectors,
 * x0-parameterised (the network predicts the clean vector), sampled with DDIM.
 */
export class ModalityDecoupledDiffusion {
  readonly schedule: NoiseSchedule;
  private readonly sqrtAlphaBar: tf.Tensor1D | null;

  constructor(
    readonly options: Readonly<MdnNetworkOptions>,
    readonly model: tfl.LayersModel,
  ) {
    this.schedule = new NoiseSchedule(options.noiseSchedule);
    if (options.dataDim % options.groups !== 0) throw new ShapeError(`MDN: ${options.dataDim} values do not split into ${options.groups} representations.`);
    this.sqrtAlphaBar = options.gaussianSkip ? tf.tensor1d(Float32Array.from(this.schedule.sqrtAlphasCumprod)) : null;
  }

  static create(options: MdnNetworkOptions): ModalityDecoupledDiffusion {
    return new ModalityDecoupledDiffusion(Object.freeze({ ...options }), buildResidualMlp(options));
  }

  get conditioned(): boolean {
    return this.options.conditionDim > 0;
  }

  /** The predicted clean vectors (B, dataDim) for noisy vectors x_t at timesteps t. */
  predict(xt: tf.Tensor, timesteps: number | tf.Tensor1D, condition?: tf.Tensor2D, training = false): tf.Tensor2D {
    if (xt.rank !== 2 || xt.shape[1] !== this.options.dataDim) throw new ShapeError(`MDN.predict: expected vectors of shape [B, ${this.options.dataDim}], got [${xt.shape}].`);
    const batch = xt.shape[0]!;
    if (this.conditioned) {
      if (!condition || condition.rank !== 2 || condition.shape[0] !== batch || condition.shape[1] !== this.options.conditionDim) {
        throw new ShapeError(`MDN.predict: this MDN is conditioned on the sources; expected a condition of shape [${batch}, ${this.options.conditionDim}], got ${condition ? `[${condition.shape}]` : 'none'}.`);
      }
    } else if (condition) {
      throw new ShapeError('MDN.predict: this MDN is unconditional; pass no condition.');
    }
    return tf.tidy(() => {
      const t = typeof timesteps === 'number' ? tf.fill([batch, 1], timesteps) : tf.reshape(tf.cast(timesteps, 'float32'), [batch, 1]);
      const inputs = condition ? [xt, t, condition] : [xt, t];
      const out = this.model.apply(inputs, { training }) as tf.Tensor2D;
      if (!this.sqrtAlphaBar) return out;
      const a = typeof timesteps === 'number' ? tf.scalar(this.schedule.sqrtAlphasCumprod[timesteps]!) : tf.reshape(tf.gather(this.sqrtAlphaBar, tf.cast(timesteps, 'int32')), [batch, 1]);
      return tf.add(out, tf.mul(a, xt)) as tf.Tensor2D;
    });
  }

  /** DDIM (eta 0) with x0 prediction, trailing timesteps (the first step starts at t = T - 1), no clipping: vectors are not bounded. */
  scheduler(): DdimScheduler {
    return new DdimScheduler(this.schedule, { eta: 0, predictionType: 'x0', timestepSpacing: 'trailing', x0Processing: { kind: 'none' } });
  }

  /** Samples vectors with progress and cancellation, each contrast's part standardised as the MRM's are. The caller owns the result. */
  async sample(o: MdnSampleOptions): Promise<tf.Tensor2D> {
    this.checkCondition(o.batch, o.condition);
    const raw = await sample({
      scheduler: this.scheduler(),
      denoiser: (x, t) => this.predict(x, t, o.condition),
      shape: [o.batch, this.options.dataDim],
      numInferenceSteps: o.steps,
      seed: o.seed,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    try {
      return standardizeGroups(raw as tf.Tensor2D, this.options.groups);
    } finally {
      raw.dispose();
    }
  }

  /**
   * The same sampler, synchronously and inside the caller's tidy: used while training the C-UNet,
   * whose loss needs vectors drawn from the frozen MDN at every step. `rows`: which rows of a
   * training step's global batch these are (a data-parallel worker's share), so each row starts from
   * the same noise however the batch is split.
   */
  sampleSync(batch: number, condition: tf.Tensor2D | undefined, steps: number, seed: number, rows: BatchRows = allRows(batch)): tf.Tensor2D {
    this.checkCondition(batch, condition);
    const scheduler = this.scheduler();
    scheduler.setTimesteps(steps);
    return tf.tidy(() => {
      let x: tf.Tensor = drawRows([batch, this.options.dataDim], rows, (shape) => seededNormal(shape, seed, 0));
      for (const t of scheduler.timesteps) {
        const out = this.predict(x, t, condition);
        const { prevSample, predX0 } = scheduler.step(out, t, x);
        predX0.dispose();
        out.dispose();
        x.dispose();
        x = prevSample;
      }
      return standardizeGroups(x as tf.Tensor2D, this.options.groups);
    });
  }

  dispose(): void {
    this.model.dispose();
    this.sqrtAlphaBar?.dispose();
  }

  private checkCondition(batch: number, condition?: tf.Tensor2D): void {
    if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`MDN.sample: batch must be a positive integer, got ${batch}.`);
    if (this.conditioned && !condition) throw new ShapeError('MDN.sample: this MDN is conditioned on the sources; pass their representation.');
    if (condition && condition.shape[0] !== batch) throw new ShapeError(`MDN.sample: the condition has ${condition.shape[0]} rows for a batch of ${batch}.`);
  }
}
