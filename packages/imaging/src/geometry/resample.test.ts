import { describe, expect, it } from 'vitest';
import { resize2d, resizeImage, RESAMPLE_METHODS } from './resample.js';
import { indexToWorld, type Image2D } from '../image.js';
import { InvalidArgumentError } from '../errors.js';

const grid = (rows: number, cols: number, f: (y: number, x: number) => number) => Float32Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols));

describe('resize2d', () => {
  it('same size is the identity for every method', () => {
    const d = grid(7, 9, (y, x) => Math.sin(y * 3 + x));
    for (const m of RESAMPLE_METHODS) expect(Array.from(resize2d(d, 7, 9, 7, 9, m)), m).toEqual(Array.from(d));
  });
  it('nearest: 2x up then 2x down returns the image', () => {
    const d = grid(5, 6, (y, x) => y * 10 + x);
    const up = resize2d(d, 5, 6, 10, 12, 'nearest');
    expect(up[0]).toBe(0);
    expect(up[1]).toBe(0);
    expect(up[2]).toBe(1);
    expect(Array.from(resize2d(up, 10, 12, 5, 6, 'nearest'))).toEqual(Array.from(d));
  });
  it('bilinear is exact on a linear ramp away from the clamped border', () => {
    const d = grid(8, 8, (y, x) => 2 * x + 3 * y);
    const out = resize2d(d, 8, 8, 16, 16, 'bilinear');
    // Output (j) centre at input (j + 0.5) / 2 - 0.5.
    for (let y = 1; y < 15; y++) for (let x = 1; x < 15; x++) expect(out[y * 16 + x]).toBeCloseTo(2 * ((x + 0.5) / 2 - 0.5) + 3 * ((y + 0.5) / 2 - 0.5), 5);
  });
  it('bicubic (Keys a = -0.5) reproduces a quadratic away from the border', () => {
    const f = (y: number, x: number) => 0.5 * x * x - 0.3 * y * y + x * y + 2;
    const d = grid(12, 12, f);
    const out = resize2d(d, 12, 12, 17, 17, 'bicubic');
    const s = 12 / 17;
    for (let y = 3; y < 14; y++) for (let x = 3; x < 14; x++) expect(out[y * 17 + x]).toBeCloseTo(f((y + 0.5) * s - 0.5, (x + 0.5) * s - 0.5), 3);
  });
  it('area: integer factor is the block mean; any factor keeps the image mean', () => {
    const d = grid(6, 6, (y, x) => (y * 7 + x * 13) % 11);
    const out = resize2d(d, 6, 6, 3, 3, 'area');
    expect(out[0]).toBeCloseTo((d[0]! + d[1]! + d[6]! + d[7]!) / 4, 6);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    const odd = resize2d(d, 6, 6, 4, 5, 'area');
    expect(mean(odd)).toBeCloseTo(mean(d), 5);
  });
  it('lanczos (a = 3) equals PIL 9.4 Image.resize(LANCZOS) on float images away from the border', () => {
    // Reference: Image.fromarray(a, 'F').resize((w, h), Image.LANCZOS) on a = f(y, x) below, the 4 x 4
    // block starting at (13, 13) of a 12 -> 30 upsampling and at (6, 6) of a 40 -> 16 downsampling.
    const f = (y: number, x: number) => Math.sin(0.7 * x + 0.3 * y) + 0.05 * x * y;
    const up = resize2d(grid(12, 12, f), 12, 12, 30, 30, 'lanczos');
    const upRef = [
      [0.225526, 0.401897, 0.674381, 0.978442],
      [0.343543, 0.555005, 0.860829, 1.189217],
      [0.497615, 0.748055, 1.08967, 1.442753],
      [0.640913, 0.922921, 1.292341, 1.663246],
    ];
    upRef.forEach((row, y) => row.forEach((v, x) => expect(up[(13 + y) * 30 + 13 + x]).toBeCloseTo(v, 5)));
    const down = resize2d(grid(40, 40, f), 40, 40, 16, 16, 'lanczos');
    const downRef = [
      [12.357972, 13.390757, 16.729218, 19.150005],
      [13.655803, 16.089161, 19.852556, 21.459528],
      [15.332404, 19.084877, 22.475504, 23.63224],
      [17.553986, 22.007154, 24.595432, 26.07559],
    ];
    downRef.forEach((row, y) => row.forEach((v, x) => expect(down[(6 + y) * 16 + 6 + x]).toBeCloseTo(v, 4)));
  });
  it('lanczos keeps constants exactly and anti-aliases when shrinking, unlike bilinear', () => {
    const flat = resize2d(new Float32Array(9 * 11).fill(3.25), 9, 11, 20, 7, 'lanczos');
    for (const v of flat) expect(v).toBeCloseTo(3.25, 6);
    // A checkerboard at the input's Nyquist rate has no content below the output's: shrunk by 3, it
    // should vanish. Bilinear samples it (aliasing); lanczos, with its kernel stretched by 3, removes it.
    const checker = grid(33, 33, (y, x) => ((x + y) % 2 ? 1 : -1));
    const peak = (a: Float32Array) => Math.max(...Array.from(a, Math.abs));
    expect(peak(resize2d(checker, 33, 33, 11, 11, 'bilinear'))).toBeGreaterThan(0.9);
    const shrunk = resize2d(checker, 33, 33, 11, 11, 'lanczos');
    expect(peak(shrunk)).toBeLessThan(0.05); // at the clamped border
    const inner = Array.from(shrunk).filter((_, i) => Math.min(i % 11, Math.floor(i / 11), 10 - (i % 11), 10 - Math.floor(i / 11)) >= 3);
    expect(Math.max(...inner.map(Math.abs))).toBeLessThan(0.002);
  });
  it('lanczos upsamples a band-limited signal more accurately than bicubic', () => {
    const f = (y: number, x: number) => Math.sin(1.1 * x) * Math.cos(0.9 * y);
    const n = 24;
    const m = 72;
    const s = n / m;
    const truth = grid(m, m, (y, x) => f((y + 0.5) * s - 0.5, (x + 0.5) * s - 0.5));
    const err = (method: 'bicubic' | 'lanczos') => {
      const out = resize2d(grid(n, n, f), n, n, m, m, method);
      let e = 0;
      for (let y = 12; y < m - 12; y++) for (let x = 12; x < m - 12; x++) e = Math.max(e, Math.abs(out[y * m + x]! - truth[y * m + x]!));
      return e;
    };
    expect(err('lanczos')).toBeLessThan(0.6 * err('bicubic'));
  });
  it('rejects an unknown method, listing the choices', () => {
    expect(() => resize2d(new Float32Array(4), 2, 2, 4, 4, 'sinc' as never)).toThrow(InvalidArgumentError);
    expect(() => resize2d(new Float32Array(4), 2, 2, 4, 4, 'sinc' as never)).toThrow(/nearest, bilinear, bicubic, area, lanczos/);
  });
});

describe('resizeImage keeps the field of view', () => {
  it('the image corners stay where they were in the world', () => {
    const img: Image2D = {
      data: new Float32Array(10 * 20),
      shape: [10, 20],
      geometry: { spacing: [0.5, 0.8, 3], origin: [10, -5, 2], direction: [0.6, 0.8, 0, -0.8, 0.6, 0, 0, 0, 1] },
      source: { format: 'array', files: [] },
    };
    const out = resizeImage(img, 25, 8, 'bilinear');
    // The outer edge of pixel (0,0) (half a pixel before its centre) is fixed.
    const edge = (g: Image2D) => indexToWorld(g.geometry, -0.5, -0.5, 0);
    edge(out).forEach((v, i) => expect(v).toBeCloseTo(edge(img)[i]!, 9));
    const far = (g: Image2D) => indexToWorld(g.geometry, g.shape[1] - 0.5, g.shape[0] - 0.5, 0);
    far(out).forEach((v, i) => expect(v).toBeCloseTo(far(img)[i]!, 9));
    expect(out.geometry.spacing[0]).toBeCloseTo(0.5 * 20 / 8, 12);
  });
});
