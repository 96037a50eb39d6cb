import { describe, expect, it } from 'vitest';
import type { Mat3, Volume } from '../image.js';
import { reorientToLPS } from '../geometry/reorient.js';
import { planeOfNormal, planeSlice, planeSliceCount } from './orientations.js';

/** A 2 x 3 x 4 (depth x rows x cols) LPS volume whose value encodes its index: 100k + 10j + i. */
function coded(direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Volume {
  const [nk, nj, ni] = [2, 3, 4];
  const data = new Float32Array(nk * nj * ni);
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) data[(k * nj + j) * ni + i] = 100 * k + 10 * j + i;
  return { data, shape: [nk, nj, ni], geometry: { spacing: [0.5, 0.7, 3], origin: [0, 0, 0], direction }, source: { format: 'array', files: [] } };
}

describe('planes of an LPS volume, laid out as radiologists view them', () => {
  const v = coded();
  it('axial slice k: rows run anterior to posterior (j), columns patient right to left (i)', () => {
    const s = planeSlice(v, 'axial', 1);
    expect([s.rows, s.cols, ...s.spacing]).toEqual([3, 4, 0.5, 0.7]);
    expect(Array.from(s.data)).toEqual([100, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123]);
  });
  it('coronal slice j: superior at the top (k descending), columns i', () => {
    const s = planeSlice(v, 'coronal', 2);
    expect([s.rows, s.cols, ...s.spacing]).toEqual([2, 4, 0.5, 3]);
    expect(Array.from(s.data)).toEqual([120, 121, 122, 123, 20, 21, 22, 23]);
  });
  it('sagittal slice i: superior at the top, anterior on the left (j ascending)', () => {
    const s = planeSlice(v, 'sagittal', 3);
    expect([s.rows, s.cols, ...s.spacing]).toEqual([2, 3, 0.7, 3]);
    expect(Array.from(s.data)).toEqual([103, 113, 123, 3, 13, 23]);
  });
  it('counts slices along each normal and refuses an index outside', () => {
    expect([planeSliceCount(v, 'axial'), planeSliceCount(v, 'coronal'), planeSliceCount(v, 'sagittal')]).toEqual([2, 3, 4]);
    expect(() => planeSlice(v, 'coronal', 3)).toThrow(/coronal slice 3 is outside 0\.\.2/);
  });
  it('after reorientation a RAS-stored volume shows the same anatomy in the same place', () => {
    // Stored with +i to patient right and +j anterior (NIfTI's RAS order): the first stored voxel is
    // right-anterior. After reorientToLPS it must sit at the left of the top row (patient right on the
    // left, anterior at the top) of the axial slice.
    const ras = coded([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    const s = planeSlice(reorientToLPS(ras), 'axial', 0);
    expect(s.data[(s.rows - 1) * s.cols + (s.cols - 1)]).toBe(0);
    expect(s.data[0]).toBe(23);
  });
  it('names the plane of a single slice from its normal', () => {
    expect(planeOfNormal([1, 0, 0, 0, 1, 0, 0, 0, 1])).toBe('axial');
    expect(planeOfNormal([1, 0, 0, 0, 0, -1, 0, 1, 0])).toBe('coronal');
    expect(planeOfNormal([0, 1, 0, 0, 0, -1, -1, 0, 0])).toBe('sagittal');
    // Oblique: the closest axis wins.
    expect(planeOfNormal([1, 0, 0, 0, 0.9, -0.44, 0, 0.44, 0.9])).toBe('axial');
  });
});
