import { describe, expect, it } from 'vitest';
import { ConfigError } from '@meddiff/diffusion-core';
import { medCDiffConfig } from '../config';
import { resize2d } from '@meddiff/imaging';
import { augmentSlice } from './augment';
import { DegradedPairSource } from '../train/pairSource';
import { seededRandom } from './random';

const n = 4;
const ramp = Float32Array.from({ length: n * n }, (_, i) => -1 + (2 * i) / (n * n - 1));

describe('augmentSlice', () => {
  it('draws all 8 symmetries of the square, each a permutation of the pixels, the identity among them', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 200; s++) {
      const out = augmentSlice(ramp, n, { dihedral: true, gamma: [1, 1] }, seededRandom(s));
      expect(Array.from(out).sort()).toEqual(Array.from(ramp).sort());
      seen.add(Array.from(out).join());
    }
    expect(seen.size).toBe(8);
    expect(seen.has(Array.from(ramp).join())).toBe(true);
  });

  it('turns as torch.rot90 does on (H, W): the first row becomes the first column, read upwards', () => {
    // Find a draw that is exactly one quarter turn: its first column, bottom to top, is the first row.
    const oneTurn = [...Array(200).keys()]
      .map((s) => augmentSlice(ramp, n, { dihedral: true, gamma: [1, 1] }, seededRandom(s)))
      .find((o) => [0, 1, 2, 3].every((j) => o[(n - 1 - j) * n] === ramp[j]) && o[n - 1] === ramp[n * n - 1]);
    expect(oneTurn).toBeDefined();
  });

  it('applies a monotone intensity curve that keeps -1 and 1, with the gamma range log-uniform', () => {
    const out = augmentSlice(ramp, n, { dihedral: false, gamma: [0.5, 2] }, seededRandom(3));
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[n * n - 1]).toBeCloseTo(1, 6);
    for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
    expect(Array.from(out)).not.toEqual(Array.from(ramp));
    const middle = Float32Array.of(0);
    const below = [...Array(400).keys()].filter((s) => augmentSlice(middle, 1, { dihedral: false, gamma: [0.5, 2] }, seededRandom(s))[0]! < 0).length;
    // g > 1 darkens the middle grey; log-uniform over [1/2, 2] makes that half the draws.
    expect(below / 400).toBeGreaterThan(0.4);
    expect(below / 400).toBeLessThan(0.6);
  });

  it('is refused in a config when its ranges make no sense', () => {
    expect(() => medCDiffConfig('super-resolution', 'tiny', { augmentation: { dihedral: true, gamma: [0, 1] } })).toThrow(ConfigError);
    expect(() => medCDiffConfig('super-resolution', 'tiny', { augmentation: { dihedral: true, gamma: [1.5, 1] } })).toThrow(/augmentation.gamma/);
    expect(medCDiffConfig('super-resolution', 'tiny', { augmentation: { dihedral: true, gamma: [0.7, 1.4] } }).augmentation).toEqual({ dihedral: true, gamma: [0.7, 1.4] });
    expect(() => medCDiffConfig('super-resolution', 'tiny', { augmentation: { dihedral: true, gamma: [1, 1], scales: [0.5, 1] } })).toThrow(/augmentation.scales/);
  });

  describe('with scales (crops of larger slices)', () => {
    const big = 8;
    const slice = Float32Array.from({ length: big * big }, (_, i) => Math.sin(i * 0.7));
    const plain = { dihedral: false, gamma: [1, 1] as [number, number] };

    it('at scale 2 crops the slice as stored, at a window inside it', () => {
      const windows = new Set<string>();
      for (let s = 0; s < 40; s++) {
        const out = augmentSlice(slice, big, { ...plain, scales: [2, 2] }, seededRandom(s), 4);
        expect(out.length).toBe(16);
        const at = [...Array(25).keys()].find((k) => out.every((v, j) => v === slice[(Math.floor(k / 5) + Math.floor(j / 4)) * big + (k % 5) + (j % 4)]));
        expect(at).toBeDefined();
        windows.add(String(at));
      }
      expect(windows.size).toBeGreaterThan(10);
    });

    it('at scale 1 is the whole slice resized by area averaging', () => {
      const out = augmentSlice(slice, big, { ...plain, scales: [1, 1] }, seededRandom(1), 4);
      expect([...out]).toEqual([...resize2d(slice, big, big, 4, 4, 'area')]);
    });

    it('needs slices large enough for the largest scale', () => {
      const slices = { data: new Float32Array(2 * 64), count: 2, size: 8 };
      expect(() => new DegradedPairSource(slices, 'super-resolution', medCDiffConfig('super-resolution', 'tiny').degradation, 1, 0, { ...plain, scales: [1, 3] }, 4)).toThrow(/at least 12 px/);
      expect(() => new DegradedPairSource(slices, 'super-resolution', medCDiffConfig('super-resolution', 'tiny').degradation, 1, 0, plain, 4)).toThrow(/augmentation.scales/);
      expect(() => new DegradedPairSource(slices, 'super-resolution', medCDiffConfig('super-resolution', 'tiny').degradation, 1, 0, { ...plain, scales: [1, 2] }, 4)).not.toThrow();
    });
  });
});
