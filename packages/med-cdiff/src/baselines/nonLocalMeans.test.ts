import { describe, expect, it } from 'vitest';
import { seededRandom } from '../degradations/random';
import { gaussianFilter } from './gaussianFilter';
import { medianFilter } from './medianFilter';
import { chooseNonLocalMeansH, estimateNoiseSigma, nonLocalMeans } from './nonLocalMeans';

/** Flat regions and sharp edges (the case non-local means is for), with Gaussian noise. */
function blocks(n: number, sigma: number, seed: number): { clean: Float32Array; noisy: Float32Array } {
  const clean = Float32Array.from({ length: n * n }, (_, i) => ((Math.floor((i % n) / 8) + Math.floor(i / n / 8)) % 2 ? 0.6 : -0.4));
  const r = seededRandom(seed);
  return { clean, noisy: clean.map((v) => v + sigma * r.normal()) };
}

const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;

describe('nonLocalMeans', () => {
  it('estimates the noise of an image with edges', () => {
    for (const sigma of [0.05, 0.1, 0.2]) expect(estimateNoiseSigma(blocks(64, sigma, 4).noisy, 64, 64)).toBeGreaterThan(0.8 * sigma);
    for (const sigma of [0.05, 0.1, 0.2]) expect(estimateNoiseSigma(blocks(64, sigma, 4).noisy, 64, 64)).toBeLessThan(1.4 * sigma);
  });

  it('keeps a constant image, and its weights reduce to a plain mean when h is huge', () => {
    const flat = new Float32Array(20 * 24).fill(0.3);
    for (const v of nonLocalMeans(flat, 20, 24, { h: 0.1 })) expect(v).toBeCloseTo(0.3, 6);
    const { noisy } = blocks(16, 0.1, 1);
    const huge = nonLocalMeans(noisy, 16, 16, { h: 1e6, patchRadius: 1, searchRadius: 1, sigma: 0 });
    // Every weight is 1: the 3 x 3 mean.
    const y = 5;
    const x = 7;
    let m = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m += noisy[(y + dy) * 16 + x + dx]! / 9;
    expect(huge[y * 16 + x]).toBeCloseTo(m, 5);
  });

  it('removes Gaussian noise from edges better than the tuned Gaussian filter and the median', () => {
    const { clean, noisy } = blocks(48, 0.1, 2);
    const { h } = chooseNonLocalMeansH([blocks(48, 0.1, 3)].map((p) => ({ ...p, rows: 48, cols: 48 })));
    const nlm = mse(nonLocalMeans(noisy, 48, 48, { h }), clean);
    expect(nlm).toBeLessThan(0.8 * mse(gaussianFilter(noisy, 48, 48, 1), clean));
    expect(nlm).toBeLessThan(0.8 * mse(medianFilter(noisy, 48, 48, 3), clean));
    expect(nlm).toBeLessThan(0.35 * mse(noisy, clean));
  });
});
