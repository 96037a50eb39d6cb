import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/nibabel-reference.json' with { type: 'json' };
import { openFile } from '../testing/openData.js';
import { readNifti } from './readNifti.js';
import { geometryToAffine } from './affine.js';
import { writeNifti } from './writeNifti.js';
import { ColourImageError, NonFiniteVoxelError, NotNiftiError } from '../errors.js';
import type { Volume } from '../image.js';

interface Ref { version: number; shape: number[]; affineRAS: number[][]; min: number; max: number; sum: number; voxels: Record<string, number> }
const refs = reference.files as unknown as Record<string, Ref>;

function pathOf(key: string): string {
  if (!key.includes(':')) return new URL(`./__fixtures__/${key}`, import.meta.url).pathname;
  const [pkg, rel] = key.split(':') as [string, string];
  return openFile(pkg, rel);
}

function checkAgainst(vol: Volume, r: Ref, version: number, infoVersion: number, noForm: boolean) {
  expect(infoVersion).toBe(version);
  expect([...vol.shape].reverse()).toEqual(r.shape.slice(0, 3));
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of vol.data) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  expect(min).toBeCloseTo(r.min, 4);
  expect(max).toBeCloseTo(r.max, 4);
  expect(sum / vol.data.length).toBeCloseTo(r.sum / vol.data.length, 4);
  for (const [i, x] of Object.entries(r.voxels)) expect(vol.data[Number(i)]).toBeCloseTo(x, 4);
  const aff = geometryToAffine(vol.geometry);
  if (noForm) {
    // No qform or sform: the standard's "method 1" (voxel sizes, no offset). nibabel instead flips x
    // and centres the volume; only the voxel sizes are shared.
    for (let a = 0; a < 3; a++) expect(Math.abs(aff[a]![a]!)).toBeCloseTo(Math.abs(r.affineRAS[a]![a]!), 4);
    expect(aff[0]![3]).toBe(0);
    return;
  }
  for (let a = 0; a < 3; a++) for (let b = 0; b < 4; b++) expect(aff[a]![b]).toBeCloseTo(r.affineRAS[a]![b]!, 4);
}

describe('readNifti against nibabel', () => {
  for (const [key, r] of Object.entries(refs)) {
    it(`${key.split('/').pop()}: shape, scaled values and affine`, () => {
      const { volume, info } = readNifti(new Uint8Array(readFileSync(pathOf(key))), { file: key });
      checkAgainst(volume, r, r.version, info.version, info.qformCode === 0 && info.sformCode === 0);
      if (r.shape.length > 3) expect(info.volumes).toBe(r.shape.slice(3).reduce((a, b) => a * b, 1));
    });
  }

  it('converts RAS to LPS: Colin27 voxel (0,0,0) is at RAS (-90,-125,-71), LPS (90,125,-71)', () => {
    const { volume } = readNifti(new Uint8Array(readFileSync(openFile('mricron-data', 'usr/share/mricron/templates/ch2.nii.gz'))));
    expect(volume.geometry.origin).toEqual([90, 125, -71]);
    [-1, 0, 0, 0, -1, 0, 0, 0, 1].forEach((x, i) => expect(volume.geometry.direction[i]).toBeCloseTo(x, 12));
  });
});

describe('writeNifti then readNifti gives the same pixels and geometry', () => {
  const src = readNifti(new Uint8Array(readFileSync(pathOf('colin-crop-nifti2.nii.gz')))).volume;
  const qf = readNifti(new Uint8Array(readFileSync(pathOf('colin-crop-qform.nii')))).volume;
  for (const version of [1, 2] as const) {
    for (const gzip of [false, true]) {
      it(`NIfTI-${version}${gzip ? '.gz' : ''}, float32`, () => {
        for (const vol of [src, qf]) {
          const back = readNifti(writeNifti(vol, { version, gzip })).volume;
          expect(back.shape).toEqual(vol.shape);
          expect(Array.from(back.data)).toEqual(Array.from(vol.data));
          for (let i = 0; i < 3; i++) {
            expect(back.geometry.spacing[i]).toBeCloseTo(vol.geometry.spacing[i]!, 5);
            expect(back.geometry.origin[i]).toBeCloseTo(vol.geometry.origin[i]!, 4);
          }
          for (let i = 0; i < 9; i++) expect(back.geometry.direction[i]).toBeCloseTo(vol.geometry.direction[i]!, 5);
        }
      });
    }
  }
  it('int16 with scl_slope keeps values within half a step', () => {
    const back = readNifti(writeNifti(src, { datatype: 'int16' })).volume;
    let maxErr = 0;
    src.data.forEach((x, i) => (maxErr = Math.max(maxErr, Math.abs(x - back.data[i]!))));
    expect(maxErr).toBeLessThan(1e-3);
  });
  it('the qform written for orthogonal axes gives the same geometry as the sform', () => {
    const bytes = writeNifti(qf);
    // Zero sform_code (offset 254) so the reader must use the qform.
    new DataView(bytes.buffer).setInt16(254, 0, true);
    const back = readNifti(bytes).volume;
    for (let i = 0; i < 9; i++) expect(back.geometry.direction[i]).toBeCloseTo(qf.geometry.direction[i]!, 5);
    for (let i = 0; i < 3; i++) expect(back.geometry.origin[i]).toBeCloseTo(qf.geometry.origin[i]!, 4);
  });
});

describe('readNifti errors', () => {
  it('not NIfTI', () => {
    expect(() => readNifti(new Uint8Array(400), { file: 'zeros.nii' })).toThrow(NotNiftiError);
    expect(() => readNifti(new Uint8Array(400), { file: 'zeros.nii' })).toThrow(/zeros\.nii/);
  });
  it('truncated', () => {
    const b = readFileSync(pathOf('colin-crop-qform.nii'));
    expect(() => readNifti(new Uint8Array(b.subarray(0, 2000)), { file: 'cut.nii' })).toThrow(/cut\.nii.*truncated/);
  });
  it('NaN voxels', () => {
    const b = writeNifti({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 2, 2], geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, source: { format: 'array', files: [] } });
    new DataView(b.buffer).setFloat32(352 + 8, Number.NaN, true);
    expect(() => readNifti(b, { file: 'nan.nii' })).toThrow(NonFiniteVoxelError);
  });
  it('colour (RGB24)', () => {
    const b = writeNifti({ data: new Float32Array(4), shape: [1, 2, 2], geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, source: { format: 'array', files: [] } });
    new DataView(b.buffer).setInt16(70, 128, true);
    expect(() => readNifti(b, { file: 'rgb.nii' })).toThrow(ColourImageError);
  });
});
