import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from './layerArgs';

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
      const c = c3 / 3;
      const heads = this.numHeads;
      const d = c / heads;
      // (B, HW, 3, heads, d) -> three (B, heads, HW, d)
      const split = tf.transpose(tf.reshape(qkv, [b, h * w, 3, heads, d]), [2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(split, 0);
      const logits = tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(d));
      const attended = tf.matMul(tf.softmax(logits), v!);
      return tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b, h, w, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}
