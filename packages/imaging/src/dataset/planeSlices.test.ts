import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../image.js';
import { volumeToPlaneSlices } from './planeSlices.js';

/** A volume of background 0 holding a bright box over the given index ranges. */
function boxVolume(shape: [number, number, number], spacing: Vec3, box: { k: [number, number]; j: [number, number]; i: [number, number] }, direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Volume {
  const [nk, nj, ni] = shape;
  const data = new Float32Array(nk * nj * ni);
  for (let k = box.k[0]; k < box.k[1]; k++) for (let j = box.j[0]; j < box.j[1]; j++) for (let i = box.i[0]; i < box.i[1]; i++) data[(k * nj + j) * ni + i] = 100 + ((i + j + k) % 7);
  return { data, shape, geometry: { spacing, origin: [0, 0, 0], direction }, source: { format: 'array', files: [] } };
}

describe('every usable slice of a volume in all three planes', () => {
  const cube = boxVolume([20, 20, 20], [1, 1, 1], { k: [4, 16], j: [2, 18], i: [5, 15] });
  it('cuts each plane along its normal and keeps the slices through the foreground', () => {
    const { planes, stats } = volumeToPlaneSlices(cube, { size: 16 });
    expect(planes.map((p) => p.plane)).toEqual(['axial', 'coronal', 'sagittal']);
    const [ax, co, sa] = planes;
    expect(ax!.indices).toEqual(Array.from({ length: 12 }, (_, t) => 4 + t));
    expect(co!.indices).toEqual(Array.from({ length: 16 }, (_, t) => 2 + t));
    expect(sa!.indices).toEqual(Array.from({ length: 10 }, (_, t) => 5 + t));
    for (const p of planes) for (const s of p.slices) expect(s).toHaveLength(256);
    for (const p of planes) for (const s of p.slices) for (const x of s) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    expect(stats.high).toBeGreaterThan(stats.low);
  });
  it('caps slices per plane evenly when asked', () => {
    const { planes } = volumeToPlaneSlices(cube, { size: 16, maxSlicesPerPlane: 3 });
    expect(planes[0]!.indices).toEqual([4, 10, 15]);
  });
  it('drops a plane whose pixels are too elongated, and says why', () => {
    // 5 mm between slices, 1 mm pixels: axial slices are fine, coronal and sagittal are 5:1.
    const thick = boxVolume([8, 20, 20], [1, 1, 5], { k: [1, 7], j: [2, 18], i: [2, 18] });
    const { planes } = volumeToPlaneSlices(thick, { size: 16 });
    expect(planes[0]!.slices.length).toBeGreaterThan(0);
    for (const p of planes.slice(1)) {
      expect(p.slices).toEqual([]);
      expect(p.droppedBecause).toMatch(/5\.0 times longer than wide/);
    }
  });
  it('drops a plane that would be enlarged more than maxUpsampling', () => {
    const { planes } = volumeToPlaneSlices(cube, { size: 64 });
    for (const p of planes) expect(p.droppedBecause).toMatch(/enlarged 3\.20 times to 64 px \(max 2\)/);
  });
  it('drops a thin slab seen edge-on (coronal and sagittal cuts of a 3-slice volume)', () => {
    const slab = boxVolume([3, 32, 32], [1, 1, 1], { k: [0, 3], j: [4, 28], i: [4, 28] });
    const { planes } = volumeToPlaneSlices(slab, { size: 16, planes: ['coronal', 'sagittal'] });
    for (const p of planes) expect(p.droppedBecause).toMatch(/fill 13 % of the square across \(min 25 %\)/);
  });
  it('a 2-D image is its one slice, as stored, in the plane it is said to show', () => {
    const img = boxVolume([1, 16, 16], [1, 1, 1], { k: [0, 1], j: [0, 16], i: [0, 16] });
    const named = volumeToPlaneSlices(img, { size: 16, plane2d: 'sagittal' });
    expect(named.planes.map((p) => [p.plane, p.indices])).toEqual([['sagittal', [0]]]);
    // Without a name, the plane comes from the slice normal (here +y: coronal).
    const coronal = volumeToPlaneSlices({ ...img, geometry: { ...img.geometry, direction: [1, 0, 0, 0, 0, -1, 0, 1, 0] } }, { size: 16 });
    expect(coronal.planes.map((p) => p.plane)).toEqual(['coronal']);
    expect(coronal.planes[0]!.slices[0]).toEqual(named.planes[0]!.slices[0]);
  });
  it('raises padding below the floor before normalising, so the percentiles see air, not padding', () => {
    const ct = boxVolume([1, 32, 32], [1, 1, 1], { k: [0, 1], j: [8, 24], i: [8, 24] });
    const data = ct.data.map((x, n) => (x > 0 ? 40 : n % 32 < 4 ? -3000 : -1000));
    const { stats } = volumeToPlaneSlices({ ...ct, data }, { size: 16, floor: -1024 });
    expect(stats.low).toBe(-1024);
  });
});
