import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './layerArgs';
import { multiHeadAttention } from './multiHeadAttention';

export interface SpatialSelfAttentionArgs extends LayerArgs {
  numHeads: number;
}

/**
 * Multi-head scaled dot-product attention over the pixels of a feature map (Vaswani et al. 2017,
 * eq. 1). Input: the query, key and value projections concatenated on the channel axis,
 * (B, H, W, 3C); output (B, H, W, C). The projections are Dense layers around it, so this layer
 * has no weights and works for any spatial size.
 */
export class SpatialSelfAttention extends tfl.layers.Layer {
  static readonly className = 'MedDiffSpatialSelfAttention';
  readonly numHeads: number;

  constructor(args: SpatialSelfAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = inputShape as tfl.Shape;
    const c = s[3];
    return [s[0]!, s[1]!, s[2]!, c == null ? null : c / 3];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const qkv = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [b, h, w, c3] = qkv.shape as [number, number, number, number];
      return tf.reshape(multiHeadAttention(tf.reshape(qkv, [b, h * w, c3]), this.numHeads), [b, h, w, c3 / 3]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}
