import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Replaces every weight by small seeded noise, so zero-initialised output layers do not hide
 * what a test wants to see change. Test-only.
 */
export function perturbWeights(model: tfl.LayersModel, seed: number, scale = 0.2): void {
  const values = model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 1000 + i));
  model.setWeights(values);
  tf.dispose(values);
}
