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
  ) {
    if (slices.data.length !== slices.count * slices.size * slices.size) {
      throw new ShapeError(`DegradedPairSource: ${slices.data.length} values are not ${slices.count} slices of ${slices.size} x ${slices.size}.`);
    }
    super(slices.count, batchSize, seed);
  }

  protected makeBatch(batch: Uint32Array, seed: number, firstRow: number): TrainingPair {
    const { size } = this.slices;
    const n = size * size;
    const channels = conditionChannels(this.task);
    const clean = new Float32Array(batch.length * n);
    const condition = new Float32Array(batch.length * n * channels);
    batch.forEach((item, b) => {
      const random = seededRandom(mixSeed(seed, firstRow + b));
      const stored = this.slices.data.subarray(item * n, (item + 1) * n);
      const image = this.augmentation ? augmentSlice(stored, size, this.augmentation, random) : stored;
      clean.set(image, b * n);
      condition.set(degradeForTask(this.task, image, size, size, this.degradation, random).data, b * n * channels);
    });
    return {
      x0: tf.tensor4d(clean, [batch.length, size, size, 1]),
      condition: tf.tensor4d(condition, [batch.length, size, size, channels]),
    };
  }
}
