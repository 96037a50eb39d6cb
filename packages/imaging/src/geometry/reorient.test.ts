import { describe, expect, it } from 'vitest';
import { reorientLike, reorientToLPS } from './reorient.js';
import { indexToWorld, type Volume } from '../image.js';

function vol(direction: Volume['geometry']['direction']): Volume {
  const shape: [number, number, number] = [3, 4, 5];
  return {
    data: Float32Array.from({ length: 60 }, (_, i) => i),
    shape,
    geometry: { spacing: [1.5, 2, 3], origin: [10, 20, 30], direction },
    source: { format: 'array', files: [] },
  };
}

/** Value at a world point found by nearest voxel: must be the same before and after reorientation. */
function valueAt(v: Volume, world: readonly number[]): number | undefined {
  const [d, r, c] = v.shape;
  for (let k = 0; k < d; k++) for (let j = 0; j < r; j++) for (let i = 0; i < c; i++) {
    const w = indexToWorld(v.geometry, i, j, k);
    if (Math.hypot(w[0] - world[0]!, w[1] - world[1]!, w[2] - world[2]!) < 1e-6) return v.data[(k * r + j) * c + i];
  }
  return undefined;
}

describe('reorientToLPS', () => {
  it('RAS NIfTI-like axes (i to the right, j anterior) become LPS with every voxel at the same world point', () => {
    const v = vol([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    const out = reorientToLPS(v);
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((x, i) => expect(out.geometry.direction[i]).toBeCloseTo(x, 12));
    for (let n = 0; n < 60; n += 7) {
      const k = Math.floor(n / 20), j = Math.floor((n % 20) / 5), i = n % 5;
      expect(valueAt(out, indexToWorld(v.geometry, i, j, k))).toBe(v.data[n]);
    }
  });
  it('permuted axes (a sagittal stack) are reordered, spacing follows', () => {
    // i along +z (S), j along +y (P), k along +x (L)
    const v = vol([0, 0, 1, 0, 1, 0, 1, 0, 0]);
    const out = reorientToLPS(v);
    expect(out.shape).toEqual([5, 4, 3]);
    expect(out.geometry.spacing).toEqual([3, 2, 1.5]);
    for (let n = 0; n < 60; n += 5) {
      const k = Math.floor(n / 20), j = Math.floor((n % 20) / 5), i = n % 5;
      expect(valueAt(out, indexToWorld(v.geometry, i, j, k))).toBe(v.data[n]);
    }
  });
  it('an LPS volume is returned as it is', () => {
    const v = vol([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(reorientToLPS(v)).toBe(v);
  });
});

describe('reorientLike', () => {
  it.each([
    { name: 'RAS', direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] },
    { name: 'sagittal', direction: [0, 0, 1, 0, 1, 0, 1, 0, 0] },
    { name: 'coronal, k flipped', direction: [1, 0, 0, 0, 0, -1, 0, -1, 0] },
  ] as Array<{ name: string; direction: Volume['geometry']['direction'] }>)('gives back the storage order of $name input after reorientToLPS', ({ direction }) => {
    const v = vol(direction);
    const back = reorientLike(reorientToLPS(v), v.geometry.direction);
    expect(back.shape).toEqual(v.shape);
    expect(Array.from(back.data)).toEqual(Array.from(v.data));
    expect(back.geometry.spacing).toEqual(v.geometry.spacing);
    back.geometry.origin.forEach((x, i) => expect(x).toBeCloseTo(v.geometry.origin[i]!, 9));
    back.geometry.direction.forEach((x, i) => expect(x).toBeCloseTo(v.geometry.direction[i]!, 12));
  });
});
