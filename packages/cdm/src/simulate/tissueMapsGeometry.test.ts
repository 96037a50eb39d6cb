import { describe, expect, it } from 'vitest';
import { seededRandom } from './random';
import { smoothRandomField } from './randomField';
import { emptyTissueMaps, type TissueMaps } from './segment';
import { warpTissueMaps } from './tissueMapsGeometry';
import { TISSUES } from './tissues';

/** A white-matter rectangle in grey matter in background, memberships one-hot. */
function phantom(size: number, box: { top: number; left: number; height: number; width: number }): TissueMaps {
  const maps = emptyTissueMaps(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inHead = y >= 2 && y < size - 2 && x >= 2 && x < size - 2;
      const inBox = y >= box.top && y < box.top + box.height && x >= box.left && x < box.left + box.width;
      maps.memberships[inBox ? 'wm' : inHead ? 'gm' : 'background'][y * size + x] = 1;
    }
  }
  return maps;
}
const total = (m: Float32Array) => m.reduce((a, v) => a + v, 0);

describe('warpTissueMaps', () => {
  const size = 24;
  const maps = phantom(size, { top: 6, left: 4, height: 6, width: 10 });

  it('copies memberships exactly under a flip and a whole-pixel shift, background coming in at the border', () => {
    const out = warpTissueMaps(maps, { flip: true, shiftRows: 2, shiftCols: -3 });
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = y - 2;
        const sx = size - 1 - (x + 3);
        for (const t of TISSUES) {
          const inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
          expect(out.memberships[t][y * size + x]).toBe(inside ? maps.memberships[t][sy * size + sx]! : t === 'background' ? 1 : 0);
        }
      }
    }
  });

  it('rotates a quarter turn about the centre and scales each axis on its own', () => {
    const turned = warpTissueMaps(maps, { flip: false, shiftRows: 0, shiftCols: 0, rotation: Math.PI / 2 });
    // The 6 x 10 box becomes 10 x 6: its rows' extent is what its columns' was.
    const extent = (m: Float32Array, axis: 'rows' | 'cols') => {
      const hit = new Set<number>();
      m.forEach((v, i) => v > 0.5 && hit.add(axis === 'rows' ? Math.floor(i / size) : i % size));
      return hit.size;
    };
    expect(extent(turned.memberships.wm, 'rows')).toBe(10);
    expect(extent(turned.memberships.wm, 'cols')).toBe(6);
    expect(total(turned.memberships.wm)).toBeCloseTo(60, 3);
    const stretched = warpTissueMaps(maps, { flip: false, shiftRows: 0, shiftCols: 0, scale: [1.5, 1] });
    expect(total(stretched.memberships.wm)).toBeCloseTo(90, 0);
    expect(extent(stretched.memberships.wm, 'cols')).toBe(10);
  });

  it('keeps memberships summing to one under a rotation, a scale and a smooth displacement', () => {
    const r = seededRandom(3);
    const field = () => smoothRandomField(size, size, r.fork(1), 2).map((v) => 1.5 * v);
    const out = warpTissueMaps(maps, { flip: true, shiftRows: 1, shiftCols: 0, rotation: 0.2, scale: [0.9, 1.1], displacement: { rows: field(), cols: field() } });
    for (let i = 0; i < size * size; i++) {
      const sum = TISSUES.reduce((a, t) => a + out.memberships[t][i]!, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    // Deformed, not emptied: the white matter keeps roughly its area.
    expect(total(out.memberships.wm)).toBeGreaterThan(40);
    expect(total(out.memberships.wm)).toBeLessThan(85);
  });
});
