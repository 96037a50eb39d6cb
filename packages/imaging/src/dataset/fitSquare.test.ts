import { describe, expect, it } from 'vitest';
import { fitSquare, planSquareFit } from './fitSquare.js';

describe('fitting a slice into a square of square pixels', () => {
  it('keeps the physical aspect: 10 rows of 3 mm by 30 columns of 1 mm is a 30 x 30 mm square', () => {
    const fit = planSquareFit(10, 30, [1, 3], 30);
    expect([fit.rows, fit.cols, fit.pixel, fit.upsampling, fit.anisotropy, fit.fill]).toEqual([30, 30, 1, 1, 3, 1]);
  });
  it('a wide slab is centred and padded with -1; an even image stays even', () => {
    // 4 rows x 16 columns, 1 mm: at 8 px, 2 rows of content centred in 8.
    const out = fitSquare(new Float32Array(64).fill(0.5), 4, 16, [1, 1], 8);
    expect(out).toHaveLength(64);
    const rows = Array.from({ length: 8 }, (_, r) => out[r * 8 + 4]);
    expect(rows).toEqual([-1, -1, -1, 0.5, 0.5, -1, -1, -1]);
  });
  it('resamples each axis on its own: a row ramp across thick rows is interpolated, the columns untouched', () => {
    // 2 rows of 4 mm, 8 columns of 1 mm: 8 x 8 mm, so rows are enlarged 4x and columns kept.
    const data = new Float32Array([...new Array(8).fill(-0.5), ...new Array(8).fill(0.5)]);
    const out = fitSquare(data, 2, 8, [1, 4], 8);
    const col = Array.from({ length: 8 }, (_, r) => out[r * 8 + 3]!);
    // Bilinear with half-pixel centres: monotone, clamped at the edges, symmetric about the middle.
    expect(col[0]).toBeCloseTo(-0.5);
    expect(col[7]).toBeCloseTo(0.5);
    for (let r = 1; r < 8; r++) expect(col[r]!).toBeGreaterThanOrEqual(col[r - 1]!);
    for (let r = 0; r < 8; r++) expect(col[r]! + col[7 - r]!).toBeCloseTo(0);
    // Every column is the same (nothing mixed along rows).
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) expect(out[r * 8 + c]).toBeCloseTo(col[r]!);
  });
  it('reports enlargement: a 16-pixel slice at 64 px is 4x', () => {
    expect(planSquareFit(16, 16, [2, 2], 64).upsampling).toBe(4);
    expect(planSquareFit(256, 256, [1, 1], 64).upsampling).toBe(0.25);
  });
  it('refuses a zero spacing and a tiny size', () => {
    expect(() => planSquareFit(4, 4, [0, 1], 16)).toThrow(/spacing must be positive/);
    expect(() => planSquareFit(4, 4, [1, 1], 4)).toThrow(/at least 8/);
  });
});
