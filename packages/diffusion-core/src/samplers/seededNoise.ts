import * as tf from '@tensorflow/tfjs-core';

/**
 * Standard-normal noise that depends only on (seed, stream), on every backend: tfjs draws seeded
 * normals in JavaScript and uploads them, so WASM and WebGPU runs see identical noise.
 * `stream` separates the draws of one run (initial noise, each step, each re-noising).
 */
export function seededNormal(shape: number[], seed: number, stream: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', mixSeed(seed, stream));
}

/** A 31-bit seed from two integers (splitmix-style), so nearby streams are unrelated. */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

/** A seed for runs that did not ask for one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
