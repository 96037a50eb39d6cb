import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeMismatchError } from '../errors';
import { tissueDice } from './tissueDice';

/** Four vertical bands of 16 columns at levels 0, 1, 2 and 3 (with a little deterministic jitter). */
function bands(shift = 0): { data: Float32Array; shape: number[] } {
  const data = new Float32Array(32 * 64);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) data[y * 64 + x] = Math.min(3, Math.floor(Math.max(0, x - shift) / 16)) + 0.05 * Math.sin(7 * y + x);
  return { data, shape: [32, 64] };
}

describe('tissueDice', () => {
  it('is 1 for every class of an identical image, and drops for the classes whose boundaries move', async () => {
    expect(await tissueDice(bands(), bands())).toEqual([1, 1, 1, 1]);
    // Every boundary moved 4 columns right: each middle band loses 4 of its 16 columns to its darker neighbour's label.
    const moved = await tissueDice(bands(), bands(4));
    expect(moved[0]).toBeCloseTo((2 * 16) / (16 + 20), 6);
    expect(moved[1]).toBeCloseTo((2 * 12) / (16 + 16), 6);
    expect(moved[3]).toBeCloseTo((2 * 12) / (16 + 12), 6);
  });

  it('finds a small bright class (bone in CT) rather than splitting the large ones', async () => {
    const ref = bands();
    for (let i = 0; i < 40; i++) ref.data[i * 37] = 9;
    const d = await tissueDice(ref, ref, { classes: 5 });
    expect(d).toEqual([1, 1, 1, 1, 1]);
    const blurred = { data: ref.data.map((v) => Math.min(v, 5)), shape: ref.shape };
    expect((await tissueDice(ref, blurred, { classes: 5 }))[4]).toBe(0);
  });

  it('refuses images of different shapes and a bad class count', async () => {
    await expect(tissueDice(bands(), { data: new Float32Array(10), shape: [2, 5] })).rejects.toBeInstanceOf(ShapeMismatchError);
    await expect(tissueDice(bands(), bands(), { classes: 1 })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
