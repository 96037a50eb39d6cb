import { describe, expect, it } from 'vitest';
import { blendTiles, planTiles, splitTiles } from './tiles.js';
import { InvalidArgumentError } from '../errors.js';

describe('tiles', () => {
  it('split then blend is the identity for many sizes', () => {
    for (const [rows, cols, tile, ov] of [[100, 120, 64, 16], [64, 64, 64, 8], [130, 70, 32, 16], [257, 300, 128, 32], [40, 33, 64, 8]] as const) {
      const d = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 100 + (i % cols));
      const layout = planTiles(rows, cols, tile, ov);
      const back = blendTiles(splitTiles(d, layout), layout);
      let maxErr = 0;
      d.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - back[i]!))));
      expect(maxErr, `${rows}x${cols} tile ${tile} overlap ${ov}`).toBeLessThan(1e-4);
    }
  });
  it('tiles overlap by at least the asked amount and cover the image', () => {
    const layout = planTiles(300, 300, 128, 32);
    const xs = [...new Set(layout.origins.map((o) => o.x))];
    expect(xs[0]).toBe(0);
    expect(xs[xs.length - 1]! + 128).toBe(300);
    for (let k = 1; k < xs.length; k++) expect(xs[k - 1]! + 128 - xs[k]!).toBeGreaterThanOrEqual(32);
  });
  it('blending smooths a seam: tiles offset by constants meet without a step', () => {
    const layout = planTiles(1, 200, [1, 128], 64);
    const tiles = splitTiles(new Float32Array(200), layout).map((t, n) => t.map(() => n * 10));
    const out = blendTiles(tiles, layout);
    for (let x = 1; x < 200; x++) expect(Math.abs(out[x]! - out[x - 1]!)).toBeLessThan(10 * 0.1);
  });
  it('rejects an overlap above half the tile', () => {
    expect(() => planTiles(100, 100, 32, 17)).toThrow(InvalidArgumentError);
  });
});
