import { describe, expect, it } from 'vitest';
import { boxMask, maskCoverage, strokeMask } from './masks';
import { gaussianAndSaltPepper } from './noise';
import { seededRandom } from './random';
import { downsampleThenUpsample, lowResolutionSize } from './superResolution';
import { degradeForTask, inpaintingCondition } from './taskPairs';
import { DEFAULT_DEGRADATION } from '../config';

/** A smooth ramp plus a fine checkerboard: the checkerboard is the detail super-resolution removes. */
function testImage(n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, i) => 0.5 * ((i % n) / n) + 0.3 * (((i % n) + Math.floor(i / n)) % 2 ? 1 : -1));
}

describe('super-resolution degradation', () => {
  it('keeps the grid, removes detail finer than the factor and keeps the smooth part', () => {
    const n = 32;
    const image = testImage(n);
    const out = downsampleThenUpsample(image, n, n, 4);
    expect(out).toHaveLength(n * n);
    // The checkerboard (period 2 px) is gone: neighbours differ far less than in the input.
    const roughness = (a: Float32Array) => a.reduce((s, v, i) => (i % n ? s + Math.abs(v - a[i - 1]!) : s), 0);
    expect(roughness(out)).toBeLessThan(0.1 * roughness(image));
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(out) - mean(image))).toBeLessThan(0.01);
    expect(lowResolutionSize(128, 100, 2 * Math.SQRT2)).toEqual([45, 35]);
  });
});

describe('noise degradation', () => {
  it('adds Gaussian noise of the requested sigma and the requested share of impulses', () => {
    const image = new Float32Array(100_000);
    const gauss = gaussianAndSaltPepper(image, 0.1, 0, seededRandom(1));
    const sd = Math.sqrt(gauss.reduce((s, v) => s + v * v, 0) / gauss.length);
    expect(sd).toBeCloseTo(0.1, 2);
    const impulses = gaussianAndSaltPepper(image, 0, 0.05, seededRandom(2));
    const share = impulses.filter((v) => Math.abs(v) === 1).length / impulses.length;
    expect(share).toBeCloseTo(0.05, 2);
    const ones = impulses.filter((v) => v === 1).length / impulses.length;
    expect(ones).toBeCloseTo(0.025, 2);
  });
});

describe('inpainting masks', () => {
  it('cover about the requested share, depend only on the seed, and the box is one rectangle', () => {
    for (const coverage of [0.05, 0.2]) {
      const box = boxMask(64, 64, coverage, seededRandom(3));
      expect(maskCoverage(box)).toBeGreaterThan(coverage * 0.7);
      expect(maskCoverage(box)).toBeLessThan(coverage * 1.3);
      const stroke = strokeMask(64, 64, coverage, seededRandom(3));
      expect(maskCoverage(stroke)).toBeGreaterThan(coverage * 0.8);
      expect(maskCoverage(stroke)).toBeLessThan(coverage * 1.5);
    }
    expect(Array.from(strokeMask(32, 32, 0.1, seededRandom(9)))).toEqual(Array.from(strokeMask(32, 32, 0.1, seededRandom(9))));
    const box = boxMask(20, 30, 0.2, seededRandom(4));
    const rows = [...new Set(Array.from(box.keys()).filter((i) => box[i]).map((i) => Math.floor(i / 30)))];
    const cols = [...new Set(Array.from(box.keys()).filter((i) => box[i]).map((i) => i % 30))];
    expect(rows.length * cols.length).toBe(box.reduce((a, v) => a + v, 0));
  });

  it('make a condition with the hole zeroed and the mask as a second channel', () => {
    const cond = inpaintingCondition(Float32Array.from([0.5, -0.5]), [0, 1]);
    expect(Array.from(cond)).toEqual([0.5, 0, 0, 1]);
  });
});

describe('degradeForTask', () => {
  it('draws a trained factor for super-resolution and the right channel count per task', () => {
    const image = testImage(16);
    const sr = degradeForTask('super-resolution', image, 16, 16, DEFAULT_DEGRADATION, seededRandom(5));
    expect(DEFAULT_DEGRADATION.factors).toContain(sr.factor);
    expect(sr.data).toHaveLength(256);
    expect(degradeForTask('denoising', image, 16, 16, DEFAULT_DEGRADATION, seededRandom(5)).data).toHaveLength(256);
    const inp = degradeForTask('inpainting', image, 16, 16, DEFAULT_DEGRADATION, seededRandom(5));
    expect(inp.data).toHaveLength(512);
    expect(maskCoverage(inp.mask!)).toBeGreaterThan(0);
  });
});
