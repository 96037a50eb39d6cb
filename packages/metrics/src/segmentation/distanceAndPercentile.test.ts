import { describe, expect, it } from 'vitest';
import { seededRandom } from '../distribution/seededRandom';
import { squaredDistanceTransform } from './distanceTransform';
import { percentile } from './percentile';
import { maskSurface } from './surface';

function bruteForce(feature: Uint8Array, shape: number[], spacing: number[]): Float64Array {
  const coords = (i: number): number[] => {
    const out: number[] = [];
    for (let a = shape.length - 1; a >= 0; a--) {
      out.unshift(i % (shape[a] as number));
      i = Math.floor(i / (shape[a] as number));
    }
    return out;
  };
  const points = [...feature.keys()].filter((i) => feature[i]).map(coords);
  return Float64Array.from(feature, (_, i) => {
    const c = coords(i);
    let best = Infinity;
    for (const p of points) {
      const d = p.reduce((s, v, a) => s + ((v - (c[a] as number)) * (spacing[a] as number)) ** 2, 0);
      best = Math.min(best, d);
    }
    return best;
  });
}

describe('squaredDistanceTransform', () => {
  const random = seededRandom(7);
  const cases: Array<[number[], number[], number]> = [
    [[17, 23], [1, 1], 0.05],
    [[17, 23], [2, 0.5], 0.02],
    [[9, 11, 13], [3, 1, 0.7], 0.01],
    [[31], [1.5], 0.1],
    [[6, 7, 8], [1, 1, 1], 0.3],
  ];
  for (const [shape, spacing, density] of cases) {
    it(`equals brute force on random points, shape [${shape}], spacing [${spacing}]`, () => {
      const size = shape.reduce((p, s) => p * s, 1);
      const feature = Uint8Array.from({ length: size }, () => (random() < density ? 1 : 0));
      feature[size >> 1] = 1;
      const fast = squaredDistanceTransform(feature, shape, spacing);
      const slow = bruteForce(feature, shape, spacing);
      fast.forEach((v, i) => expect(v).toBeCloseTo(slow[i] as number, 9));
    });
  }
  it('is Infinity everywhere without feature points', () => {
    expect([...squaredDistanceTransform(new Uint8Array(12), [3, 4], [1, 1])].every((v) => v === Infinity)).toBe(true);
  });
});

describe('maskSurface', () => {
  it('keeps the boundary ring of a filled square and treats the grid edge as outside', () => {
    const shape = [5, 6];
    const mask = new Uint8Array(30);
    for (let y = 1; y <= 3; y++) for (let x = 0; x <= 4; x++) mask[y * 6 + x] = 1;
    const s = maskSurface(mask, shape);
    // Interior voxels (2,1), (2,2), (2,3) are not surface; (2,0) touches the grid edge, so it is.
    expect([...s].map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([6, 7, 8, 9, 10, 12, 16, 18, 19, 20, 21, 22]);
  });
});

describe('percentile', () => {
  it('matches numpy.percentile (linear) values', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [95, 50, 100, 0, 37]) = [8.8, 3, 10, 1, 2.48]
    const v = () => Float64Array.of(10, 3, 1, 4, 2);
    expect(percentile(v(), 95)).toBeCloseTo(8.8, 12);
    expect(percentile(v(), 50)).toBe(3);
    expect(percentile(v(), 100)).toBe(10);
    expect(percentile(v(), 0)).toBe(1);
    expect(percentile(v(), 37)).toBeCloseTo(2.48, 12);
    expect(percentile(Float64Array.of(5), 95)).toBe(5);
  });
});
