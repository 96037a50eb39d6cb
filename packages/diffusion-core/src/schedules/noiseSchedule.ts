import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';
import { betaSchedules, type BuiltInBetaSchedule } from './betaSchedules';
import { rescaleZeroTerminalSnr } from './zeroTerminalSnr';

export interface NoiseScheduleConfig {
  /** A built-in name or one registered with `betaSchedules.register`. */
  betaSchedule: BuiltInBetaSchedule | (string & {});
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  /** Lin et al. 2024: force zero SNR at the last step. Needs v- or x0-prediction. */
  rescaleZeroTerminalSnr: boolean;
}

/** Med-cDiff's schedule (Hung et al. 2023): linear, T = 2000, 1e-4 to 0.02. */
export const DEFAULT_NOISE_SCHEDULE: Readonly<NoiseScheduleConfig> = Object.freeze({
  betaSchedule: 'linear',
  numTrainTimesteps: 2000,
  betaStart: 1e-4,
  betaEnd: 0.02,
  rescaleZeroTerminalSnr: false,
});

/** The per-timestep quantities a trainer gathers by batch index, uploaded once. */
export interface ScheduleTensors {
  sqrtAlphasCumprod: tf.Tensor1D;
  sqrtOneMinusAlphasCumprod: tf.Tensor1D;
  alphasCumprod: tf.Tensor1D;
}

/**
 * A discrete noise schedule and every quantity derived from it, computed once in float64
 * (index i is timestep t = i, 0-based, so t = 0 is the least noisy step).
 * Samplers read the float64 arrays as scalars; a trainer uploads them once with `upload()`.
 */
export class NoiseSchedule {
  readonly config: Readonly<NoiseScheduleConfig>;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphasCumprod: Float64Array;
  /** alpha-bar of the previous step; 1 before the first step. */
  readonly alphasCumprodPrev: Float64Array;
  readonly sqrtAlphasCumprod: Float64Array;
  readonly sqrtOneMinusAlphasCumprod: Float64Array;
  /** Ho et al. 2020, eq. 7: beta-tilde, the variance of q(x_{t-1} | x_t, x_0). */
  readonly posteriorVariance: Float64Array;
  /** log of the posterior variance with its t = 0 value (zero) replaced by the t = 1 value. */
  readonly posteriorLogVarianceClipped: Float64Array;
  /** eq. 7: mu-tilde = coef1 * x0 + coef2 * x_t. */
  readonly posteriorMeanCoef1: Float64Array;
  readonly posteriorMeanCoef2: Float64Array;

  constructor(config: Partial<NoiseScheduleConfig> = {}) {
    const c = { ...DEFAULT_NOISE_SCHEDULE, ...config };
    validate(c);
    this.config = Object.freeze(c);
    let betas = betaSchedules.get(c.betaSchedule)(c.numTrainTimesteps, c);
    if (c.rescaleZeroTerminalSnr) betas = rescaleZeroTerminalSnr(betas);
    const n = betas.length;
    if (n !== c.numTrainTimesteps) {
      throw new ConfigError(`Beta schedule '${c.betaSchedule}' returned ${n} betas for numTrainTimesteps ${c.numTrainTimesteps}.`);
    }
    this.betas = betas;
    this.alphas = betas.map((b) => 1 - b);
    this.alphasCumprod = new Float64Array(n);
    this.alphasCumprodPrev = new Float64Array(n);
    let cum = 1;
    for (let i = 0; i < n; i++) {
      this.alphasCumprodPrev[i] = cum;
      cum *= this.alphas[i]!;
      this.alphasCumprod[i] = cum;
    }
    this.sqrtAlphasCumprod = this.alphasCumprod.map(Math.sqrt);
    this.sqrtOneMinusAlphasCumprod = this.alphasCumprod.map((a) => Math.sqrt(1 - a));
    this.posteriorVariance = new Float64Array(n);
    this.posteriorMeanCoef1 = new Float64Array(n);
    this.posteriorMeanCoef2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ab = this.alphasCumprod[i]!;
      const abPrev = this.alphasCumprodPrev[i]!;
      const b = betas[i]!;
      this.posteriorVariance[i] = (b * (1 - abPrev)) / (1 - ab);
      this.posteriorMeanCoef1[i] = (b * Math.sqrt(abPrev)) / (1 - ab);
      this.posteriorMeanCoef2[i] = ((1 - abPrev) * Math.sqrt(this.alphas[i]!)) / (1 - ab);
    }
    this.posteriorLogVarianceClipped = this.posteriorVariance.map((v, i) =>
      Math.log(i === 0 ? (this.posteriorVariance[1] ?? v) : v),
    );
  }

  get numTrainTimesteps(): number {
    return this.config.numTrainTimesteps;
  }

  /** alpha-bar at timestep t, or 1 for t < 0 (the clean image). */
  alphaBar(t: number): number {
    return t < 0 ? 1 : this.alphasCumprod[t]!;
  }

  /** Signal-to-noise ratio alpha-bar / (1 - alpha-bar) at each timestep (for min-SNR loss weighting). */
  snr(): Float64Array {
    return this.alphasCumprod.map((a) => a / (1 - a));
  }

  /** Uploads the quantities a trainer gathers per example. The caller owns and disposes the tensors. */
  upload(): ScheduleTensors {
    return {
      sqrtAlphasCumprod: tf.tensor1d(Float32Array.from(this.sqrtAlphasCumprod)),
      sqrtOneMinusAlphasCumprod: tf.tensor1d(Float32Array.from(this.sqrtOneMinusAlphasCumprod)),
      alphasCumprod: tf.tensor1d(Float32Array.from(this.alphasCumprod)),
    };
  }
}

function validate(c: NoiseScheduleConfig): void {
  if (!Number.isInteger(c.numTrainTimesteps) || c.numTrainTimesteps < 2) {
    throw new ConfigError(`numTrainTimesteps must be an integer >= 2, got ${c.numTrainTimesteps}.`);
  }
  if (!(c.betaStart > 0 && c.betaStart < 1)) throw new ConfigError(`betaStart must be in (0, 1), got ${c.betaStart}.`);
  if (!(c.betaEnd > 0 && c.betaEnd < 1)) throw new ConfigError(`betaEnd must be in (0, 1), got ${c.betaEnd}.`);
  if (c.betaEnd < c.betaStart) throw new ConfigError(`betaEnd (${c.betaEnd}) must not be below betaStart (${c.betaStart}).`);
}
