import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (Loshchilov and Hutter 2019); 0 gives Adam. */
  weightDecay: number;
}

export const DEFAULT_ADAMW: Readonly<AdamWConfig> = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });

export function validateAdamW(c: AdamWConfig): void {
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new ConfigError(`optimizer.${k} must be in [0, 1), got ${c[k]}.`);
  }
  if (!(c.epsilon > 0)) throw new ConfigError(`optimizer.epsilon must be > 0, got ${c.epsilon}.`);
  if (!(c.weightDecay >= 0)) throw new ConfigError(`optimizer.weightDecay must be >= 0, got ${c.weightDecay}.`);
}

/**
 * Adam (Kingma and Ba 2015, Algorithm 1) with decoupled weight decay. Written here rather than
 * using tf.train.adam so the learning rate can change every step and the moments can be saved
 * in a checkpoint and restored exactly.
 */
export class AdamW {
  /** Number of updates applied so far (Adam's t). */
  iterations = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly params: tf.Variable[],
    readonly config: AdamWConfig,
  ) {
    validateAdamW(config);
    // tf.variable copies its initial value: create those inside tidy so they are freed.
    this.m = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
    this.v = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p), false)));
  }

  /** One update with `grads[i]` for `params[i]`. Does not dispose the gradients. */
  apply(grads: tf.Tensor[], learningRate: number): void {
    const { beta1, beta2, epsilon, weightDecay } = this.config;
    this.iterations++;
    const c1 = 1 - beta1 ** this.iterations;
    const c2 = 1 - beta2 ** this.iterations;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i]!;
        const m = this.m[i]!;
        const v = this.v[i]!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        // 1. Adam's step from bias-corrected moments; 2. decay applied to the weights directly.
        let update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        if (weightDecay > 0) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, learningRate)));
      });
    });
  }

  /** The moments by parameter index, for a checkpoint. The tensors stay owned by the optimiser. */
  state(): { iterations: number; m: tf.Tensor[]; v: tf.Tensor[] } {
    return { iterations: this.iterations, m: this.m, v: this.v };
  }

  restore(iterations: number, m: tf.Tensor[], v: tf.Tensor[]): void {
    if (m.length !== this.m.length || v.length !== this.v.length) throw new ConfigError('Optimiser state does not match the parameters.');
    this.iterations = iterations;
    m.forEach((t, i) => this.m[i]!.assign(t));
    v.forEach((t, i) => this.v[i]!.assign(t));
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
