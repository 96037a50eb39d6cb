import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateError } from '../errors';
import type { NoiseSchedule } from '../schedules/noiseSchedule';
import { assertPredictionType, type PredictionType } from '../schedules/parameterization';
import { spaceTimesteps, TIMESTEP_SPACINGS, type TimestepSpacing } from './timestepSpacing';
import { validateX0Processing, type X0Processing } from './x0Processing';

/** The result of one reverse step. The caller owns both tensors. */
export interface StepResult {
  prevSample: tf.Tensor;
  predX0: tf.Tensor;
}

/**
 * A reverse-process update rule. It holds no network: `step` receives the network's output.
 * Call `setTimesteps(n)` first; `timesteps` then lists the n timesteps, noisiest first.
 */
export interface Scheduler {
  readonly name: string;
  readonly schedule: NoiseSchedule;
  readonly predictionType: PredictionType;
  /** Whether `step` needs a standard-normal `noise` tensor of the sample's shape. */
  readonly stochastic: boolean;
  /** Whether `step` keeps history between calls (then it cannot be rewound, as RePaint would need). */
  readonly multistep: boolean;
  readonly timesteps: readonly number[];
  setTimesteps(numInferenceSteps: number): void;
  /** Moves `sample` from timestep `t` (one of `timesteps`) to the next one, or to the clean sample after the last. */
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise?: tf.Tensor): StepResult;
  /** The timestep after `t` in `timesteps`, or -1 (the clean sample) after the last. */
  nextTimestep(t: number): number;
  /** Frees history a multistep scheduler keeps; call when a run ends. */
  reset(): void;
}

export interface SchedulerOptions {
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  x0Processing: X0Processing;
}

/** Shared bookkeeping: options, the chosen timesteps and lookup of the next one. */
export abstract class BaseScheduler implements Scheduler {
  abstract readonly name: string;
  abstract readonly stochastic: boolean;
  readonly multistep: boolean = false;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly x0Processing: X0Processing;
  private chosen: number[] | null = null;
  private indexOf = new Map<number, number>();

  constructor(
    readonly schedule: NoiseSchedule,
    options: Partial<SchedulerOptions> = {},
  ) {
    this.predictionType = options.predictionType ?? 'epsilon';
    assertPredictionType(this.predictionType);
    this.timestepSpacing = options.timestepSpacing ?? 'leading';
    if (!TIMESTEP_SPACINGS.includes(this.timestepSpacing)) {
      throw new ConfigError(`Unknown timestep spacing '${this.timestepSpacing}'. Allowed: ${TIMESTEP_SPACINGS.join(', ')}.`);
    }
    this.x0Processing = options.x0Processing ?? { kind: 'clip', min: -1, max: 1 };
    validateX0Processing(this.x0Processing);
    if (schedule.config.rescaleZeroTerminalSnr && this.predictionType === 'epsilon') {
      throw new ConfigError('A zero-terminal-SNR schedule needs v- or x0-prediction: epsilon gives no x0 at the last step.');
    }
  }

  setTimesteps(numInferenceSteps: number): void {
    this.reset();
    this.chosen = spaceTimesteps(this.schedule, numInferenceSteps, this.timestepSpacing);
    this.indexOf = new Map(this.chosen.map((t, i) => [t, i]));
  }

  get timesteps(): readonly number[] {
    if (!this.chosen) throw new StateError(`${this.name}: call setTimesteps(numInferenceSteps) before reading timesteps or calling step.`);
    return this.chosen;
  }

  nextTimestep(t: number): number {
    const ts = this.timesteps;
    const i = this.indexOf.get(t);
    if (i === undefined) throw new StateError(`${this.name}: timestep ${t} is not one of the ${ts.length} set by setTimesteps.`);
    return i + 1 < ts.length ? ts[i + 1]! : -1;
  }

  reset(): void {}

  abstract step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise?: tf.Tensor): StepResult;

  protected requireNoise(noise: tf.Tensor | undefined, sample: tf.Tensor): tf.Tensor {
    if (!noise) throw new StateError(`${this.name} is stochastic: pass a standard-normal noise tensor to step.`);
    if (noise.shape.join() !== sample.shape.join()) {
      throw new StateError(`${this.name}: noise shape [${noise.shape}] differs from sample shape [${sample.shape}].`);
    }
    return noise;
  }
}
