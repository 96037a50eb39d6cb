import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '../errors';
import type { LayerArgs } from './layerArgs';

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
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const shape = x.shape;
      const channels = shape[shape.length - 1]!;
      const batch = shape[0]!;
      const perGroup = channels / this.groups;
      const grouped = tf.reshape(x, [batch, -1, this.groups, perGroup]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      // (x - mean) / std * gamma + beta as one scale and one shift per (image, channel): two passes
      // over the activations instead of four (a quarter of a sampling step went to this layer).
      const scale = tf.mul(tf.rsqrt(tf.add(variance, this.epsilon)), tf.reshape(this.gamma.read(), [1, 1, this.groups, perGroup]));
      const shift = tf.sub(tf.reshape(this.beta.read(), [1, 1, this.groups, perGroup]), tf.mul(mean, scale));
      return tf.reshape(tf.add(tf.mul(grouped, scale), shift), shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}
