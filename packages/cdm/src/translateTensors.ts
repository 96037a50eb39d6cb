import * as tf from '@tensorflow/tfjs-core';
import type { BatchRows } from '@meddiff/diffusion-core';
import type { CdmModel } from './model';

/**
 * CDM's inference on tensors, synchronously: source vectors (from the MRM when not given, if the
 * MDN is conditioned), a target vector drawn from the MDN by DDIM, and one C-UNet pass.
 * sources (B, H, W, sources) in [-1, 1] -> targets (B, H, W, targets). The caller owns the result.
 */
export function translateTensors(model: CdmModel, sources: tf.Tensor4D, options: { mdnSteps: number; seed: number; sourceVectors?: tf.Tensor2D; targetVectors?: tf.Tensor2D; training?: boolean; rows?: BatchRows }): tf.Tensor4D {
  return tf.tidy(() => {
    const batch = sources.shape[0];
    let target = options.targetVectors;
    if (!target) {
      const condition = model.mdn.conditioned ? (options.sourceVectors ?? model.mrm.encodeChannels(sources)) : undefined;
      target = model.mdn.sampleSync(batch, condition, options.mdnSteps, options.seed, options.rows);
    }
    return model.cunet.apply({ x: sources, condition: target }, options.training ?? false);
  });
}
