import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, mixSeed, seededUniform } from '@meddiff/diffusion-core';

/**
 * The MAE-style patch mask (He et al. 2022) of the MRM: each image's grid of patchSize x patchSize
 * patches has exactly round(ratio x patches) of them dropped, chosen by a seeded shuffle (a new
 * choice per image). Returns (B, H, W, 1) with 1 where pixels are kept and 0 where masked.
 */
export function patchKeepMask(batch: number, height: number, width: number, patchSize: number, ratio: number, seed: number, firstRow = 0): tf.Tensor4D {
  return tf.tensor4d(patchKeepMaskValues(batch, height, width, patchSize, ratio, seed, firstRow), [batch, height, width, 1]);
}

/** `firstRow`: the row of the first image in a training step's global batch (each row's choice is seeded by its row). */
export function patchKeepMaskValues(batch: number, height: number, width: number, patchSize: number, ratio: number, seed: number, firstRow = 0): Float32Array {
  if (!Number.isInteger(patchSize) || patchSize < 1 || height % patchSize !== 0 || width % patchSize !== 0) {
    throw new ConfigError(`patchKeepMask: patch size ${patchSize} must divide the image size ${height} x ${width}.`);
  }
  if (!(ratio >= 0 && ratio < 1)) throw new ConfigError(`patchKeepMask: the masked share must be in [0, 1), got ${ratio}.`);
  const py = height / patchSize;
  const px = width / patchSize;
  const patches = py * px;
  const dropped = Math.round(ratio * patches);
  const out = new Float32Array(batch * height * width).fill(1);
  const order = new Int32Array(patches);
  for (let b = 0; b < batch; b++) {
    const random = seededUniform(mixSeed(seed, firstRow + b));
    for (let i = 0; i < patches; i++) order[i] = i;
    // Partial Fisher-Yates: the first `dropped` entries are a uniform random subset.
    for (let i = 0; i < dropped; i++) {
      const j = i + Math.floor(random() * (patches - i));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let i = 0; i < dropped; i++) {
      const p = order[i]!;
      const y0 = Math.floor(p / px) * patchSize;
      const x0 = (p % px) * patchSize;
      for (let y = y0; y < y0 + patchSize; y++) out.fill(0, b * height * width + y * width + x0, b * height * width + y * width + x0 + patchSize);
    }
  }
  return out;
}
