import * as tf from '@tensorflow/tfjs-core';
import { EmptyMaskError } from '../errors';
import { metricResult, type MetricResult } from '../result';
import { disposePrepared, prepareInputs, type PrepareSpec, type PreparedInputs } from './prepareInputs';

/** Per-image values `[N]`, and optionally the per-image weight each was averaged over. */
export interface PerImageTensors {
  readonly values: tf.Tensor;
  /** Sum of weights behind each value; a zero means the usable region was empty. */
  readonly support?: tf.Tensor;
}

export interface EvaluateSpec extends PrepareSpec {
  /** Why a region can be empty after the mask check passed (e.g. SSIM's border). */
  readonly emptySupportHint?: string;
}

/**
 * Prepares and checks the inputs, runs `compute` inside tidy, reads the per-image
 * values back asynchronously and frees every tensor it made, on success and on error.
 */
export async function evaluatePerImage(
  spec: EvaluateSpec,
  compute: (inputs: PreparedInputs) => PerImageTensors,
): Promise<MetricResult> {
  const inputs = await prepareInputs(spec);
  let out: tf.Tensor | null = null;
  try {
    out = tf.tidy(() => {
      const { values, support } = compute(inputs);
      const v = tf.reshape(values, [inputs.count]);
      const s = support ? tf.reshape(tf.broadcastTo(support, [inputs.count]), [inputs.count]) : tf.onesLike(v);
      return tf.stack([v, s]);
    });
    const data = await out.data();
    const values = data.subarray(0, inputs.count);
    const support = data.subarray(inputs.count);
    const empty = support.findIndex((s) => !(s > 0));
    if (empty >= 0) {
      throw new EmptyMaskError(
        `${spec.fn}: image ${empty} has no pixel left to average over${spec.emptySupportHint ? `: ${spec.emptySupportHint}` : '.'}`,
      );
    }
    return metricResult(values);
  } finally {
    out?.dispose();
    disposePrepared(inputs);
  }
}
