import * as tf from '@tensorflow/tfjs-core';
import { IndexedBatchSource, ShapeError } from '@meddiff/diffusion-core';
import { gatherNHWC, sliceChannel, validatePairedSlices, type PairedSlices } from './pairedSlices';

/** Per-slice vectors stored contiguously: [count, dim]. */
export interface VectorSet {
  data: Float32Array;
  dim: number;
}

/** Images of single contrasts: every (slice, channel) pair of the chosen channels is one item. Yields (B, S, S, 1). */
export class SingleContrastBatchSource extends IndexedBatchSource<tf.Tensor4D> {
  constructor(
    private readonly slices: PairedSlices,
    private readonly channels: readonly number[],
    batchSize: number,
    seed: number,
  ) {
    validatePairedSlices(slices);
    super(slices.count * channels.length, batchSize, seed);
  }

  protected makeBatch(batch: Uint32Array): tf.Tensor4D {
    const { size } = this.slices;
    const n = size * size;
    const out = new Float32Array(batch.length * n);
    batch.forEach((item, b) => {
      const slice = Math.floor(item / this.channels.length);
      const channel = this.channels[item % this.channels.length]!;
      out.set(sliceChannel(this.slices, slice, channel), b * n);
    });
    return tf.tensor4d(out, [batch.length, size, size, 1]);
  }
}

/** A batch of translation pairs: the source contrasts, the target contrasts and, when given, each slice's source vectors. */
export interface TranslationBatch {
  sources: tf.Tensor4D;
  targets: tf.Tensor4D;
  sourceVectors?: tf.Tensor2D;
}

export class TranslationBatchSource extends IndexedBatchSource<TranslationBatch> {
  constructor(
    private readonly slices: PairedSlices,
    private readonly sourceChannels: readonly number[],
    private readonly targetChannels: readonly number[],
    batchSize: number,
    seed: number,
    private readonly sourceVectors?: VectorSet,
  ) {
    validatePairedSlices(slices);
    if (sourceVectors && sourceVectors.data.length !== slices.count * sourceVectors.dim) {
      throw new ShapeError(`TranslationBatchSource: ${sourceVectors.data.length} vector values for ${slices.count} slices of dimension ${sourceVectors.dim}.`);
    }
    super(slices.count, batchSize, seed);
  }

  protected makeBatch(batch: Uint32Array): TranslationBatch {
    return translationBatch(this.slices, batch, this.sourceChannels, this.targetChannels, this.sourceVectors);
  }
}

/** The tensors of one batch of slices (the caller owns them). */
export function translationBatch(slices: PairedSlices, items: ArrayLike<number>, sourceChannels: readonly number[], targetChannels: readonly number[], sourceVectors?: VectorSet): TranslationBatch {
  const { size } = slices;
  const b = items.length;
  const batch: TranslationBatch = {
    sources: tf.tensor4d(gatherNHWC(slices, items, sourceChannels), [b, size, size, sourceChannels.length]),
    targets: tf.tensor4d(gatherNHWC(slices, items, targetChannels), [b, size, size, targetChannels.length]),
  };
  if (sourceVectors) {
    const v = new Float32Array(b * sourceVectors.dim);
    for (let i = 0; i < b; i++) v.set(sourceVectors.data.subarray(items[i]! * sourceVectors.dim, (items[i]! + 1) * sourceVectors.dim), i * sourceVectors.dim);
    batch.sourceVectors = tf.tensor2d(v, [b, sourceVectors.dim]);
  }
  return batch;
}
