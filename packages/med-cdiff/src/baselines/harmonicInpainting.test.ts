import { describe, expect, it } from 'vitest';
import { harmonicInpaint } from './harmonicInpainting';
import { InvalidInputError } from '../errors';

function box(rows: number, cols: number, top: number, left: number, h: number, w: number): Uint8Array {
  const m = new Uint8Array(rows * cols);
  for (let y = top; y < top + h; y++) m.fill(1, y * cols + left, y * cols + left + w);
  return m;
}

const grid = (rows: number, cols: number, f: (y: number, x: number) => number) => Float32Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols));

describe('harmonicInpaint', () => {
  it('restores a linear ramp exactly, and leaves the known pixels untouched', () => {
    const f = (y: number, x: number) => 2 * x - 3 * y + 10;
    const truth = grid(40, 36, f);
    const mask = box(40, 36, 8, 6, 20, 24);
    const input = truth.map((v, i) => (mask[i] ? 0 : v));
    const r = harmonicInpaint(input, 40, 36, mask, { tolerance: 1e-9 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < truth.length; i++) {
      if (mask[i]) expect(Math.abs(r.image[i]! - truth[i]!)).toBeLessThan(1e-3);
      else expect(r.image[i]).toBe(input[i]);
    }
  });

  it('restores the discrete harmonic saddle x^2 - y^2 inside a stroke-shaped hole', () => {
    const truth = grid(30, 30, (y, x) => ((x - 15) ** 2 - (y - 12) ** 2) / 50);
    const mask = new Uint8Array(900);
    for (let t = 0; t < 18; t++) for (let d = -1; d <= 1; d++) mask[(6 + t) * 30 + 5 + t + d] = 1;
    const r = harmonicInpaint(truth.map((v, i) => (mask[i] ? 0 : v)), 30, 30, mask, { tolerance: 1e-9 });
    for (let i = 0; i < 900; i++) if (mask[i]) expect(r.image[i]).toBeCloseTo(truth[i]!, 4);
  });

  it('fills a hole at the image border with zero flux across it, and stops at the tolerance', () => {
    // Constant along x, a ramp along y: with the hole touching the left border the fill stays exact.
    const truth = grid(20, 20, (y) => y / 19);
    const mask = box(20, 20, 5, 0, 8, 7);
    const loose = harmonicInpaint(truth, 20, 20, mask, { tolerance: 1e-3 });
    const tight = harmonicInpaint(truth, 20, 20, mask, { tolerance: 1e-9 });
    expect(tight.iterations).toBeGreaterThan(loose.iterations);
    for (let i = 0; i < 400; i++) if (mask[i]) expect(tight.image[i]).toBeCloseTo(truth[i]!, 5);
  });

  it('rejects an empty, a full and a mis-sized mask', () => {
    const img = new Float32Array(16);
    expect(() => harmonicInpaint(img, 4, 4, new Uint8Array(16))).toThrow(/mask is empty/);
    expect(() => harmonicInpaint(img, 4, 4, new Uint8Array(16).fill(1))).toThrow(/whole image/);
    expect(() => harmonicInpaint(img, 4, 4, new Uint8Array(9))).toThrow(InvalidInputError);
  });
});
