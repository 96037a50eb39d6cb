import { describe, expect, it } from 'vitest';
import { medianFilter } from './medianFilter';
import { InvalidInputError } from '../errors';

/** The 6 x 7 test image of the scipy reference below. */
const image = Float32Array.from({ length: 42 }, (_, i) => {
  const y = Math.floor(i / 7);
  const x = i % 7;
  return Math.sin(0.9 * x + 0.4 * y) + 0.1 * ((x * 7 + y * 3) % 5);
});

describe('medianFilter', () => {
  it('removes an isolated impulse entirely and keeps a step edge sharp', () => {
    const flat = new Float32Array(8 * 8).fill(0.25);
    flat[3 * 8 + 4] = 1;
    flat[0] = -1; // in a corner too
    expect(Array.from(medianFilter(flat, 8, 8))).toEqual(Array.from(new Float32Array(64).fill(0.25)));
    const step = Float32Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? -0.5 : 0.5));
    expect(Array.from(medianFilter(step, 8, 8))).toEqual(Array.from(step));
  });

  it('equals scipy.ndimage.median_filter(size=3, mode="reflect")', () => {
    // scipy 1.10.1 on the image above.
    const reference = [
      [0.689418, 0.983327, 0.983327, 0.52738, -0.14252, -0.572764, -0.572764],
      [0.817356, 0.963558, 0.963558, 0.441581, -0.551602, -0.572764, -0.572764],
      [0.963209, 0.963209, 0.515501, -0.150783, -0.656802, -0.551602, -0.150686],
      [1.199574, 0.963209, 0.44112, -0.551602, -0.616166, -0.150686, 0.216911],
      [0.998472, 0.909297, -0.155541, -0.616166, -0.616166, 0.017837, 0.411541],
      [0.909297, 0.439249, -0.211858, -0.331267, -0.331267, 0.21512, 1.056987],
    ].flat();
    const out = medianFilter(image, 6, 7);
    reference.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
  });

  it('rejects an even size and a size mismatch', () => {
    expect(() => medianFilter(image, 6, 7, 4)).toThrow(InvalidInputError);
    expect(() => medianFilter(image, 7, 7)).toThrow(/42 values are not 7 x 7/);
  });
});
