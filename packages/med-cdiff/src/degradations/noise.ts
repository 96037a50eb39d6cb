import type { Random } from './random';

/**
 * The paper's denoising degradation, in the [-1, 1] scale: additive Gaussian noise of standard
 * deviation `sigma`, then impulse noise: a share `saltPepper` of pixels set to -1 or 1 with equal
 * chance. The result is clipped to [-1, 1].
 */
export function gaussianAndSaltPepper(image: Float32Array, sigma: number, saltPepper: number, random: Random): Float32Array {
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) {
    let v = image[i]! + sigma * random.normal();
    if (saltPepper > 0 && random.uniform() < saltPepper) v = random.uniform() < 0.5 ? -1 : 1;
    out[i] = v < -1 ? -1 : v > 1 ? 1 : v;
  }
  return out;
}
