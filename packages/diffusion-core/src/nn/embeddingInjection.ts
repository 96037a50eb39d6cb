import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './layerArgs';

/**
 * How a ResBlock takes the embedding (time, condition or both):
 * - `add`: a per-channel bias after the first convolution (Ho et al. 2020; CDM's Condition Embedding);
 * - `scale-shift`: h * (1 + scale) + shift after the second normalisation (Dhariwal and Nichol 2021, "AdaGN").
 */
export type EmbeddingInjectionMode = 'add' | 'scale-shift';
export const EMBEDDING_INJECTION_MODES: readonly EmbeddingInjectionMode[] = ['add', 'scale-shift'];

export interface EmbeddingInjectionArgs extends LayerArgs {
  mode: EmbeddingInjectionMode;
}

/**
 * Inputs [h: (B, H, W, C), e: (B, C) for `add` or (B, 2C) for `scale-shift`]; broadcasts the
 * projected embedding over the spatial axes. No weights: the projection is a Dense layer before it.
 */
export class EmbeddingInjection extends tfl.layers.Layer {
  static readonly className = 'MedDiffEmbeddingInjection';
  readonly mode: EmbeddingInjectionMode;

  constructor(args: EmbeddingInjectionArgs) {
    super(args);
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (inputShape as tfl.Shape[])[0]!;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [h, e] = inputs as tf.Tensor[];
      const batch = e!.shape[0]!;
      const channels = e!.shape[1]!;
      const eb = tf.reshape(e!, [batch, 1, 1, channels]);
      if (this.mode === 'add') return tf.add(h!, eb);
      const [scale, shift] = tf.split(eb, 2, 3);
      return tf.add(tf.mul(h!, tf.add(scale!, 1)), shift!);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
