import { describe, expect, it } from 'vitest';
import { degradeSlice } from './degradeSlice.js';
import { ReaderStudyConfigError } from './studyErrors.js';

const ramp = (rows: number, columns: number) => ({ pixels: Float32Array.from({ length: rows * columns }, (_, i) => 100 + i), rows, columns });

describe('degradeSlice', () => {
  it('super-resolution: the real slice, and its area-averaged copy at 1/factor', () => {
    const { real, degraded } = degradeSlice('super-resolve-2', ramp(4, 6), 0);
    expect(real).toEqual(ramp(4, 6));
    expect([degraded.rows, degraded.columns]).toEqual([2, 3]);
    // The top-left 2 x 2 block of the ramp: 100, 101, 106, 107.
    expect(degraded.pixels[0]).toBeCloseTo(103.5, 4);
  });

  it('crops a slice to a multiple of the factor', () => {
    const { real, degraded } = degradeSlice('super-resolve-4', ramp(9, 10), 0);
    expect([real.rows, real.columns, degraded.rows, degraded.columns]).toEqual([8, 8, 2, 2]);
    expect(Array.from(real.pixels.subarray(8, 10))).toEqual([110, 111]);
  });

  it('denoising: seeded noise in the slice range, on its grid', () => {
    const a = degradeSlice('denoise', ramp(16, 16), 5);
    expect(a.real).toEqual(ramp(16, 16));
    expect(a.degraded.pixels).toEqual(degradeSlice('denoise', ramp(16, 16), 5).degraded.pixels);
    expect(a.degraded.pixels).not.toEqual(degradeSlice('denoise', ramp(16, 16), 6).degraded.pixels);
    const diff = a.degraded.pixels.map((v, i) => v - a.real.pixels[i]!);
    expect(Math.max(...diff.map(Math.abs))).toBeGreaterThan(1);
    expect(Math.min(...a.degraded.pixels)).toBeGreaterThanOrEqual(100 - 1e-3);
    expect(Math.max(...a.degraded.pixels)).toBeLessThanOrEqual(355 + 1e-3);
  });

  it('refuses slices it cannot use', () => {
    expect(() => degradeSlice('denoise', { pixels: new Float32Array(4).fill(3), rows: 2, columns: 2 }, 0)).toThrow(ReaderStudyConfigError);
    expect(() => degradeSlice('super-resolve-4', ramp(3, 8), 0)).toThrow(/too small for super-resolution x4/);
  });
});
