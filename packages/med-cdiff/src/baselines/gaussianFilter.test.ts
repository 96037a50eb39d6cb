import { describe, expect, it } from 'vitest';
import { chooseGaussianSigma, gaussianFilter } from './gaussianFilter';
import { seededRandom } from '../degradations/random';

const image = Float32Array.from({ length: 42 }, (_, i) => {
  const y = Math.floor(i / 7);
  const x = i % 7;
  return Math.sin(0.9 * x + 0.4 * y) + 0.1 * ((x * 7 + y * 3) % 5);
});

describe('gaussianFilter', () => {
  it('equals scipy.ndimage.gaussian_filter(mode="reflect", truncate=4) for sigma 1 and 0.6', () => {
    // scipy 1.10.1 on the 6 x 7 image above; the kernel (radius 4) reflects more than once here.
    const sigma1 = [
      [0.532779, 0.794218, 0.828431, 0.402998, -0.187738, -0.544453, -0.588604],
      [0.722355, 0.831264, 0.702458, 0.234841, -0.273305, -0.484321, -0.426892],
      [0.926793, 0.845632, 0.50015, -0.01681, -0.369673, -0.347419, -0.134198],
      [1.029358, 0.786145, 0.278526, -0.24464, -0.417246, -0.154079, 0.204533],
      [0.965756, 0.634362, 0.071516, -0.381476, -0.384694, 0.049851, 0.506351],
      [0.82991, 0.476945, -0.067992, -0.43182, -0.314924, 0.190812, 0.672343],
    ].flat();
    const sigma06 = [
      [0.266073, 0.889089, 1.116434, 0.518295, -0.219617, -0.745201, -0.61472],
      [0.668772, 0.942386, 0.883002, 0.308179, -0.429244, -0.643003, -0.4306],
      [0.930125, 1.028742, 0.561418, -0.096198, -0.529656, -0.494136, 0.006297],
      [1.186322, 0.941077, 0.308854, -0.454609, -0.641151, -0.192778, 0.363928],
      [1.122776, 0.781575, -0.004593, -0.584414, -0.620541, 0.044519, 0.793598],
      [0.88483, 0.480693, -0.184355, -0.667143, -0.391036, 0.230792, 0.933263],
    ].flat();
    gaussianFilter(image, 6, 7, 1).forEach((v, i) => expect(v).toBeCloseTo(sigma1[i]!, 5));
    gaussianFilter(image, 6, 7, 0.6).forEach((v, i) => expect(v).toBeCloseTo(sigma06[i]!, 5));
  });

  it('keeps a constant and the image mean (reflecting borders lose nothing)', () => {
    for (const v of gaussianFilter(new Float32Array(30).fill(2), 5, 6, 1.5)) expect(v).toBeCloseTo(2, 6);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    const big = Float32Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i / 5) + (i % 32) / 32);
    expect(mean(gaussianFilter(big, 32, 32, 2))).toBeCloseTo(mean(big), 2);
  });

  it('chooses a larger sigma for stronger noise on held-out pairs', () => {
    const n = 48;
    const clean = Float32Array.from({ length: n * n }, (_, i) => 0.6 * Math.sin((i % n) / 9) * Math.cos(Math.floor(i / n) / 7));
    const pairs = (sd: number) =>
      [1, 2].map((seed) => {
        const r = seededRandom(seed);
        return { clean, noisy: clean.map((v) => v + sd * r.normal()), rows: n, cols: n };
      });
    const weak = chooseGaussianSigma(pairs(0.02));
    const strong = chooseGaussianSigma(pairs(0.3));
    expect(strong.sigma).toBeGreaterThan(weak.sigma);
    expect(strong.mse).toBeLessThan(0.3 ** 2 / 4);
  });
});
