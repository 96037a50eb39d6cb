import fc from 'fast-check';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors';
import { readPngMask } from './pngMask';

// Damaged PNG masks must give a mask of the slice's size or an InvalidInputError: never another
// exception or an allocation of the size a damaged header claims. Fixed seed, bounded runs.
describe('fuzz: PNG masks', () => {
  const [rows, cols] = [24, 20];
  const png = encode({ width: cols, height: rows, data: new Uint8Array(rows * cols).map((_, i) => (i % 7 === 0 ? 255 : 0)), channels: 1, depth: 8 });

  it('truncated, bit-flipped or overwritten PNGs give a mask or a typed error', () => {
    const at = fc.nat({ max: png.length - 1 });
    const mutation = fc.oneof(
      fc.record({ cut: at }).map(({ cut }) => (b: Uint8Array) => b.slice(0, cut)),
      fc.array(fc.record({ i: at, bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 6 }).map((flips) => (b: Uint8Array) => {
        const out = b.slice();
        for (const { i, bit } of flips) out[i] = out[i]! ^ (1 << bit);
        return out;
      }),
      fc.record({ i: fc.nat({ max: 40 }), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }) }).map(({ i, bytes }) => (b: Uint8Array) => {
        const out = b.slice();
        bytes.forEach((x, k) => { if (i + k < out.length) out[i + k] = x; });
        return out;
      }),
    );
    fc.assert(
      fc.property(mutation, (damage) => {
        try {
          const mask = readPngMask(damage(png), 'fuzz.png', rows, cols);
          expect(mask.length).toBe(rows * cols);
          for (const v of mask) expect(v === 0 || v === 1).toBe(true);
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
          expect(e.message).toMatch(/fuzz\.png/);
        }
      }),
      { seed: 19, numRuns: 300 },
    );
  });
});
