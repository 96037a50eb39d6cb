import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './layerArgs';

export interface SinusoidalEmbeddingArgs extends LayerArgs {
  dim: number;
  maxPeriod?: number;
}

/** The sinusoidal values for timesteps `t` of shape [B] or [B, 1]: [cos(t f_i), sin(t f_i)], f_i = maxPeriod^(-i / half). */
export function sinusoidalEmbedding(t: tf.Tensor, dim: number, maxPeriod = 10000): tf.Tensor2D {
  return tf.tidy(() => {
    const half = Math.floor(dim / 2);
    const freqs = tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -Math.log(maxPeriod) / half));
    const args = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), tf.reshape(freqs, [1, half]));
    let emb = tf.concat([tf.cos(args), tf.sin(args)], 1);
    if (dim % 2 === 1) emb = tf.pad(emb, [[0, 0], [0, 1]]);
    return emb as tf.Tensor2D;
  });
}

/**
 * Transformer-style position encoding of the diffusion timestep (Vaswani et al. 2017, sec. 3.5;
 * Ho et al. 2020, appendix B). Input [B, 1] timesteps, output [B, dim]. No weights.
 */
export class SinusoidalEmbedding extends tfl.layers.Layer {
  static readonly className = 'MedDiffSinusoidalEmbedding';
  readonly dim: number;
  readonly maxPeriod: number;

  constructor(args: SinusoidalEmbeddingArgs) {
    super(args);
    this.dim = args.dim;
    this.maxPeriod = args.maxPeriod ?? 10000;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [(inputShape as tfl.Shape)[0] ?? null, this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const t = Array.isArray(inputs) ? inputs[0]! : inputs;
    return sinusoidalEmbedding(t, this.dim, this.maxPeriod);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, maxPeriod: this.maxPeriod };
  }
}
