import { describe, expect, it } from 'vitest';
import { fuzzyCMeans, fuzzyMemberships, histogram, otsuThreshold } from './fuzzyCMeans';
import { dilate, erode, fillHolesPerSlice, largestComponent } from './morphology';
import { seededRandom } from './random';
import { smoothRandomField } from './randomField';

describe('fuzzy c-means and Otsu', () => {
  it('find the centres of a three-class intensity mixture', () => {
    const r = seededRandom(1);
    const values = Float32Array.from({ length: 30000 }, (_, i) => [30, 80, 110][i % 3]! + 5 * r.normal());
    const centres = fuzzyCMeans(histogram(values, () => true), 3);
    expect(centres[0]).toBeCloseTo(30, 0);
    expect(centres[1]).toBeCloseTo(80, 0);
    expect(centres[2]).toBeCloseTo(110, 0);
    const u = fuzzyMemberships(95, centres, 2);
    expect(u[0]! + u[1]! + u[2]!).toBeCloseTo(1, 12);
    expect(u[1]).toBeGreaterThan(u[0]!);
    const two = Float32Array.from({ length: 2000 }, (_, i) => (i % 2 ? 100 : 10) + r.normal());
    const t = otsuThreshold(histogram(two, () => true));
    // Any threshold in the empty gap separates the classes equally well.
    two.forEach((v, i) => expect(v > t).toBe(i % 2 === 1));
  });
});

describe('morphology', () => {
  const shape = [9, 9, 9] as const;
  const cube = new Uint8Array(729);
  for (let k = 2; k <= 6; k++) for (let j = 2; j <= 6; j++) for (let i = 2; i <= 6; i++) cube[(k * 9 + j) * 9 + i] = 1;
  const sum = (m: Uint8Array) => m.reduce((a, v) => a + v, 0);

  it('erodes and dilates with a box', () => {
    expect(sum(erode(cube, shape, [1, 1, 1]))).toBe(27);
    expect(sum(dilate(cube, shape, [1, 1, 1]))).toBe(343);
    expect(sum(dilate(cube, shape, [0, 0, 1]))).toBe(5 * 5 * 7);
  });

  it('keeps the largest component and fills holes slice by slice', () => {
    const two = cube.slice();
    two[0] = 1;
    expect(sum(largestComponent(two, shape))).toBe(125);
    const hollow = cube.slice();
    hollow[(4 * 9 + 4) * 9 + 4] = 0;
    expect(sum(fillHolesPerSlice(hollow, shape))).toBe(125);
  });
});

describe('smooth random field', () => {
  it('has zero mean, unit standard deviation, strong neighbour correlation, and depends only on its seed', () => {
    const f = smoothRandomField(64, 64, seededRandom(2), 3);
    const mean = f.reduce((a, v) => a + v, 0) / f.length;
    const sd = Math.sqrt(f.reduce((a, v) => a + (v - mean) ** 2, 0) / f.length);
    expect(mean).toBeCloseTo(0, 5);
    expect(sd).toBeCloseTo(1, 4);
    let c = 0;
    for (let y = 0; y < 64; y++) for (let x = 0; x < 63; x++) c += f[y * 64 + x]! * f[y * 64 + x + 1]!;
    expect(c / (64 * 63)).toBeGreaterThan(0.95);
    expect(smoothRandomField(64, 64, seededRandom(2), 3)).toEqual(f);
  });
});
