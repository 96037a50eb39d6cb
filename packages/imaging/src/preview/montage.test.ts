import { describe, expect, it } from 'vitest';
import { readPng } from '../png/readPng.js';
import { montagePng } from './montage.js';

describe('montagePng', () => {
  it('lays panels out row by row through their windows, enlarged, with white gaps', () => {
    const a = { data: Float32Array.from([-1, 0, 1, 0.5]), window: [-1, 1] as const };
    const b = { data: Float32Array.from([0, 10, 20, 30]), window: [0, 30] as const };
    const png = readPng(montagePng([[a, b]], 2, 2, 2, 1));
    // 2 panels of 2 x 2 values, each value 2 x 2 pixels, 1-pixel gaps: 11 x 6.
    expect(png.shape).toEqual([1, 6, 11]);
    const px = (x: number, y: number) => png.data[y * 11 + x];
    expect([px(0, 0), px(1, 1), px(2, 1), px(3, 1), px(4, 3), px(5, 3)]).toEqual([255, 0, 0, 128, 191, 255]);
    expect([px(6, 1), px(8, 1), px(6, 3), px(8, 3)]).toEqual([0, 85, 170, 255]);
  });

  it('says which panel has the wrong size', () => {
    expect(() => montagePng([[{ data: new Float32Array(3), window: [0, 1] }]], 2, 2)).toThrow(/panel 0,0 has 3 values, expected 2 x 2/);
  });
});
