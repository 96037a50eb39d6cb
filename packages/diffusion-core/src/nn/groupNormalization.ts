import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '../errors';
import type { LayerArgs } from './layerArgs';

/** Two passes over the activations with its gradient (registered on wasm by registerWasmGradientKernels). */
const FUSED_KERNEL = 'MedDiffGroupNorm';

export interface GroupNormalizationArgs extends LayerArgs {
  groups: number;
  epsilon?: number;
}

/**
 * Group normalisation (Wu and He 2018), channels last: statistics over the spatial axes and the
 * channels of each of `groups` groups, then a learned per-channel scale and offset.
 * tfjs has no such op or layer.
 */
export class GroupNormalization extends tfl.layers.Layer {
  static readonly className = 'MedDiffGroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;

  constructor(args: GroupNormalizationArgs) {
    super(args);
    this.groups = args.groups;
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null || channels % this.groups !== 0) {
      throw new ConfigError(`${this.name}: ${channels} channels do not split into ${this.groups} groups.`);
    }
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return groupNorm(x, this.gamma.read(), this.beta.read(), this.groups, this.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}

/**
 * (x - mean) / std * gamma + beta with statistics per image and group of channels (the last axis).
 * One fused kernel where the backend has it (wasm: two passes); elsewhere composed of tfjs ops.
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, epsilon: number): tf.Tensor {
  if (tf.getKernel(FUSED_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(FUSED_KERNEL, { x, gamma, beta }, { groups, epsilon }) as tf.Tensor;
  }
  return tf.tidy(() => {
    const shape = x.shape;
    const channels = shape[shape.length - 1]!;
    const perGroup = channels / groups;
    const grouped = tf.reshape(x, [shape[0]!, -1, groups, perGroup]);
    const { mean, variance } = tf.moments(grouped, [1, 3], true);
    // (x - mean) / std * gamma + beta as one scale and one shift per (image, channel): two passes
    // over the activations instead of four.
    const scale = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), tf.reshape(gamma, [1, 1, groups, perGroup]));
    const shift = tf.sub(tf.reshape(beta, [1, 1, groups, perGroup]), tf.mul(mean, scale));
    return tf.reshape(tf.add(tf.mul(grouped, scale), shift), shape);
  });
}
