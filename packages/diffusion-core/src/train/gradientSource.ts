import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, BatchSourcePosition } from './batchSource';
import { allRows, type BatchRows } from './batchRows';

/** What the loss function gets besides the batch: the step, a seed for its random draws, and its rows. */
export interface LossContext {
  step: number;
  seed: number;
  /**
   * The rows of the step's global batch that this batch holds: all of them in one thread, a share in
   * a data-parallel worker. Random draws made with `drawRows` keep each row's draws the same either way.
   */
  rows: BatchRows;
}

/** Computes the training loss of a batch (the mean over its rows); called inside tf.variableGrads. */
export type LossFunction<B> = (batch: B, context: LossContext) => tf.Scalar;

/** The loss and gradients of one step's global batch. The caller owns the tensors. */
export interface StepGradients {
  loss: tf.Scalar;
  /** One per trainable parameter, in the order the trainer passed them. */
  grads: tf.Tensor[];
  /** Which items the batch held, for error messages. */
  batch: string;
}

/**
 * Where a trainer's gradients come from: this thread (`LocalGradients`) or worker threads that each
 * compute a share of the batch (`dataParallelGradients` in `@meddiff/diffusion-core/node`). The
 * trainer owns the weights, the optimiser, the EMA and the checkpoints either way.
 */
export interface GradientSource {
  /** Gradients of the mean loss over the step's batch with respect to `params`, at their current values. */
  compute(params: tf.Variable[], context: { step: number; seed: number }): Promise<StepGradients>;
  /** The data position, saved in checkpoints and restored on resume. */
  get position(): BatchSourcePosition;
  set position(p: BatchSourcePosition);
  dispose(): Promise<void>;
}

/** Gradients computed in this thread, from a batch source and a loss: the trainer's default. */
export class LocalGradients<B> implements GradientSource {
  constructor(
    private readonly loss: LossFunction<B>,
    private readonly data: BatchSource<B>,
    /** Rows per batch (`data` yields whole batches). */
    private readonly batchSize: number,
  ) {}

  get position(): BatchSourcePosition {
    return this.data.position;
  }

  set position(p: BatchSourcePosition) {
    this.data.position = p;
  }

  async compute(params: tf.Variable[], context: { step: number; seed: number }): Promise<StepGradients> {
    const batch = this.data.describe();
    const items = this.data.next();
    try {
      return { ...lossAndGradients(params, () => this.loss(items, { ...context, rows: allRows(this.batchSize) })), batch };
    } finally {
      tf.dispose(items as unknown as tf.Tensor[]);
    }
  }

  async dispose(): Promise<void> {}
}

/** `loss()` and its gradient with respect to each of `params`, in their order. */
export function lossAndGradients(params: tf.Variable[], loss: () => tf.Scalar): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(loss, params);
  return { loss: value, grads: params.map((p) => grads[p.name]!) };
}
