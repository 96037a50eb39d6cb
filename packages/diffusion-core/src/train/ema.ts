import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';

export interface EmaConfig {
  /** The decay after warm-up, e.g. 0.9999 for long runs, 0.999 for short ones. */
  maxDecay: number;
  /** Use decay min(maxDecay, (1 + step) / (10 + step)) so early averages are not dominated by the initial weights. */
  warmup: boolean;
}

/**
 * Exponential moving average of the weights (Polyak averaging, as DDPM samples with), kept as
 * shadow copies on the device.
 */
export class ExponentialMovingAverage {
  readonly shadow: tf.Variable[];

  constructor(
    params: tf.Variable[],
    readonly config: EmaConfig,
  ) {
    if (!(config.maxDecay >= 0 && config.maxDecay < 1)) throw new ConfigError(`ema.maxDecay must be in [0, 1), got ${config.maxDecay}.`);
    this.shadow = tf.tidy(() => params.map((p) => tf.variable(p.clone(), false)));
  }

  decayAt(step: number): number {
    return this.config.warmup ? Math.min(this.config.maxDecay, (1 + step) / (10 + step)) : this.config.maxDecay;
  }

  update(params: tf.Variable[], step: number): void {
    const d = this.decayAt(step);
    tf.tidy(() => params.forEach((p, i) => this.shadow[i]!.assign(tf.add(tf.mul(this.shadow[i]!, d), tf.mul(p, 1 - d)))));
  }

  restore(values: tf.Tensor[]): void {
    values.forEach((t, i) => this.shadow[i]!.assign(t));
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
