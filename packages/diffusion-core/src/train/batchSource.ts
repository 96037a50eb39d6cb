import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors';
import { mixSeed } from '../samplers/seededNoise';

/** Where a data pipeline stands, saved in checkpoints so a resumed run sees the same batches. */
export interface BatchSourcePosition {
  epoch: number;
  index: number;
}

/**
 * A deterministic stream of batches. `next()` returns tensors the caller owns; the same seed and
 * position give the same batches on every run.
 */
export interface BatchSource<B> {
  next(): B;
  get position(): BatchSourcePosition;
  set position(p: BatchSourcePosition);
  /** A short description of where the current position is, for error messages. */
  describe(): string;
}

/**
 * A batch source a data-parallel worker can restrict to its share of each batch: after
 * `shard(offset, count)`, `next()` builds rows [offset, offset + count) of the batch the whole
 * source would have built (the same items, the same per-row draws), and positions still advance
 * by whole batches.
 */
export interface ShardableBatchSource<B> extends BatchSource<B> {
  shard(offset: number, count: number): void;
}

/**
 * Shuffled batches of item indices: a new permutation per epoch from (seed, epoch), no item
 * repeated within an epoch, the last partial batch of an epoch dropped. Batch sources that
 * prepare items themselves (e.g. degrade images on the CPU) build on this.
 */
export class ShuffledIndices {
  private epoch = 0;
  private index = 0;
  private order: Uint32Array;

  constructor(
    readonly count: number,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > count) {
      throw new ConfigError(`batchSize must be an integer in [1, ${count}] (the number of items), got ${batchSize}.`);
    }
    this.order = this.permutation(0);
  }

  get position(): BatchSourcePosition {
    return { epoch: this.epoch, index: this.index };
  }

  set position(p: BatchSourcePosition) {
    this.epoch = p.epoch;
    this.index = p.index;
    this.order = this.permutation(p.epoch);
  }

  /** A seed unique to the next batch's position, for per-batch random choices. */
  get batchSeed(): number {
    this.wrap();
    return mixSeed(mixSeed(this.seed, this.epoch), this.index);
  }

  describe(): string {
    this.wrap();
    return `epoch ${this.epoch}, items ${Array.from(this.order.subarray(this.index, this.index + this.batchSize)).join(', ')}`;
  }

  next(): Uint32Array {
    this.wrap();
    const batch = this.order.slice(this.index, this.index + this.batchSize);
    this.index += this.batchSize;
    return batch;
  }

  private wrap(): void {
    if (this.index + this.batchSize > this.count) this.position = { epoch: this.epoch + 1, index: 0 };
  }

  /** Fisher-Yates with a small seeded generator (mulberry32). */
  private permutation(epoch: number): Uint32Array {
    const random = seededUniform(mixSeed(this.seed, epoch));
    const order = Uint32Array.from({ length: this.count }, (_, i) => i);
    for (let i = this.count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32): small, fast, reproducible everywhere. */
export function seededUniform(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A batch source over shuffled item indices: subclasses say how to make a batch from the items'
 * indices, a seed tied to the batch's position and the row of the first item in the whole batch
 * (per-row random choices seeded by (seed, row) stay the same when a worker builds only its share).
 */
export abstract class IndexedBatchSource<B> implements ShardableBatchSource<B> {
  protected readonly indices: ShuffledIndices;
  private rows: { offset: number; count: number } | null = null;

  constructor(count: number, batchSize: number, seed: number) {
    this.indices = new ShuffledIndices(count, batchSize, seed);
  }

  shard(offset: number, count: number): void {
    if (!(Number.isInteger(offset) && Number.isInteger(count) && offset >= 0 && count >= 1 && offset + count <= this.indices.batchSize)) {
      throw new ConfigError(`shard(${offset}, ${count}) does not fit in batches of ${this.indices.batchSize}.`);
    }
    this.rows = { offset, count };
  }

  get position(): BatchSourcePosition {
    return this.indices.position;
  }

  set position(p: BatchSourcePosition) {
    this.indices.position = p;
  }

  describe(): string {
    return this.indices.describe();
  }

  next(): B {
    const seed = this.indices.batchSeed;
    const items = this.indices.next();
    const { offset, count } = this.rows ?? { offset: 0, count: items.length };
    return this.makeBatch(items.subarray(offset, offset + count), seed, offset);
  }

  protected abstract makeBatch(items: Uint32Array, seed: number, firstRow: number): B;
}

/** Items of one shape stored contiguously in a Float32Array (e.g. slices of a dataset split). */
export interface ItemArray {
  data: Float32Array;
  /** Shape of one item, e.g. [H, W, C]. */
  itemShape: number[];
}

/** Shuffled batches of an in-memory array, as tensors [batch, ...itemShape]. */
export class ArrayBatchSource extends IndexedBatchSource<tf.Tensor> {
  private readonly itemSize: number;

  constructor(
    private readonly items: ItemArray,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    const itemSize = items.itemShape.reduce((a, b) => a * b, 1);
    if (itemSize === 0 || items.data.length % itemSize !== 0) {
      throw new ShapeError(`ArrayBatchSource: ${items.data.length} values do not divide into items of shape [${items.itemShape}].`);
    }
    super(items.data.length / itemSize, batchSize, seed);
    this.itemSize = itemSize;
  }

  protected makeBatch(batch: Uint32Array): tf.Tensor {
    const out = new Float32Array(batch.length * this.itemSize);
    batch.forEach((item, b) => out.set(this.items.data.subarray(item * this.itemSize, (item + 1) * this.itemSize), b * this.itemSize));
    return tf.tensor(out, [batch.length, ...this.items.itemShape]);
  }
}
