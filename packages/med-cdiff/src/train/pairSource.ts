import * as tf from '@tensorflow/tfjs-core';
import { IndexedBatchSource, mixSeed, ShapeError } from '@meddiff/diffusion-core';
import { conditionChannels, type DegradationConfig, type MedCDiffTask } from '../config';
import { augmentSlice, type AugmentationConfig } from '../degradations/augment';
import { seededRandom } from '../degradations/random';
import { degradeForTask } from '../degradations/taskPairs';

/** Square single-channel slices in [-1, 1], stored contiguously (the imaging package's dataset splits). */
export interface SliceSet {
  data: Float32Array;
  count: number;
  size: number;
}

export interface TrainingPair {
  /** Clean images (B, H, W, 1). */
  x0: tf.Tensor4D;
  /** Their degraded condition (B, H, W, C). */
  condition: tf.Tensor4D;
}

/** Slices of the model's imageSize, or, with augmentation.scales, large enough for its crops. */
export function assertTrainingSliceSize(sliceSize: number, imageSize: number, augmentation?: AugmentationConfig): void {
  const scales = augmentation?.scales;
  if (!scales && sliceSize !== imageSize) {
    throw new ShapeError(`Training slices are ${sliceSize} px but the model's imageSize is ${imageSize}; build the dataset at ${imageSize} px, or crop larger slices with augmentation.scales.`);
  }
  const needed = Math.round(imageSize * (scales?.[1] ?? 1));
  if (scales && sliceSize < needed) {
    throw new ShapeError(`Training slices are ${sliceSize} px; augmentation.scales up to ${scales[1]} needs at least ${needed} px (imageSize ${imageSize} x ${scales[1]}): build the dataset larger or lower the scales.`);
  }
}

/**
 * Batches of (clean, degraded) pairs made on the fly: each epoch reshuffles, and each image gets
 * a fresh degradation drawn from a seed tied to its position, so a resumed run sees exactly the
 * batches the uninterrupted one would have.
 */
export class DegradedPairSource extends IndexedBatchSource<TrainingPair> {
  constructor(
    private readonly slices: SliceSet,
    private readonly task: MedCDiffTask,
    private readonly degradation: DegradationConfig,
    batchSize: number,
    seed: number,
    private readonly augmentation?: AugmentationConfig,
    /** The side of the pairs: the slices' own, or smaller with augmentation.scales (crops). */
    private readonly imageSize = slices.size,
  ) {
    if (slices.data.length !== slices.count * slices.size * slices.size) {
      throw new ShapeError(`DegradedPairSource: ${slices.data.length} values are not ${slices.count} slices of ${slices.size} x ${slices.size}.`);
    }
    assertTrainingSliceSize(slices.size, imageSize, augmentation);
    super(slices.count, batchSize, seed);
  }

  protected makeBatch(batch: Uint32Array, seed: number, firstRow: number): TrainingPair {
    const stride = this.slices.size * this.slices.size;
    const size = this.imageSize;
    const n = size * size;
    const channels = conditionChannels(this.task);
    const clean = new Float32Array(batch.length * n);
    const condition = new Float32Array(batch.length * n * channels);
    batch.forEach((item, b) => {
      const random = seededRandom(mixSeed(seed, firstRow + b));
      const stored = this.slices.data.subarray(item * stride, (item + 1) * stride);
      const image = this.augmentation ? augmentSlice(stored, this.slices.size, this.augmentation, random, size) : stored;
      clean.set(image, b * n);
      condition.set(degradeForTask(this.task, image, size, size, this.degradation, random).data, b * n * channels);
    });
    return {
      x0: tf.tensor4d(clean, [batch.length, size, size, 1]),
      condition: tf.tensor4d(condition, [batch.length, size, size, channels]),
    };
  }
}
