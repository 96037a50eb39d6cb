import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';

/**
 * Which rows of a step's global batch one gradient computation covers. A single-thread step has
 * all of them (offset 0); a data-parallel worker has its share. Losses draw their random numbers
 * for the whole global batch and keep their rows (`drawRows`), so a row sees the same draws however
 * many workers share the batch, and N workers train exactly as one.
 */
export interface BatchRows {
  offset: number;
  /** Rows in the global batch. */
  total: number;
}

/** The rows of a batch of `count` computed in one piece. */
export function allRows(count: number): BatchRows {
  return { offset: 0, total: count };
}

/**
 * `draw([rows.total, ...shape.slice(1)])`, keeping rows [offset, offset + shape[0]): a seeded draw
 * for the whole global batch, of which this computation takes its own rows.
 */
export function drawRows(shape: number[], rows: BatchRows, draw: (shape: number[]) => tf.Tensor): tf.Tensor {
  const count = shape[0]!;
  if (!(rows.offset >= 0 && rows.offset + count <= rows.total)) {
    throw new ShapeError(`drawRows: rows ${rows.offset}..${rows.offset + count - 1} are outside a global batch of ${rows.total}.`);
  }
  if (rows.offset === 0 && count === rows.total) return draw(shape);
  return tf.tidy(() => tf.slice(draw([rows.total, ...shape.slice(1)]), rows.offset, count));
}
