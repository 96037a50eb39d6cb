import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/nibabel-reference.json' with { type: 'json' };
import { openFile } from '../testing/openData.js';
import { readNifti } from './readNifti.js';
import { geometryToAffine } from './affine.js';
import { writeNifti } from './writeNifti.js';
import { gzipSync } from 'fflate';
import { ColourImageError, InconsistentGeometryError, MultiVolumeError, NonFiniteVoxelError, NotNiftiError, ResourceLimitError } from '../errors.js';
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
      const volumes = r.shape.slice(3).reduce((a, b) => a * b, 1);
      const { volume, info } = readNifti(new Uint8Array(readFileSync(pathOf(key))), { file: key, ...(volumes > 1 ? { volumeIndex: 0 } : {}) });
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

/** A small NIfTI-1 file (depth x 2 x 2, float32) whose header the test then edits. */
function small(depth = 4): { bytes: Uint8Array; view: DataView } {
  const bytes = writeNifti({ data: new Float32Array(depth * 4).map((_, i) => i), shape: [depth, 2, 2], geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, source: { format: 'array', files: [] } });
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
const DIM = 40;

describe('readNifti limits: checked from the header before anything is allocated', () => {
  it('a 1 KB .nii.gz claiming 16384 x 16384 x 2 voxels is refused, naming the file and the limit', () => {
    const { bytes, view } = small();
    view.setInt16(DIM + 2, 16384, true);
    view.setInt16(DIM + 4, 16384, true);
    view.setInt16(DIM + 6, 2, true);
    const gz = gzipSync(bytes);
    expect(gz.length).toBeLessThan(1024);
    expect(() => readNifti(gz, { file: 'bomb.nii.gz' })).toThrow(ResourceLimitError);
    expect(() => readNifti(gz, { file: 'bomb.nii.gz' })).toThrow(/^bomb\.nii\.gz: the image size along x in the header is 16,384, more than the maxDimension limit of 8,192\. .*limits\.maxDimension/);
    // With the dimension cap raised, the voxel cap still holds.
    expect(() => readNifti(gz, { file: 'bomb.nii.gz', limits: { maxDimension: 20000 } })).toThrow(/maxVoxels limit/);
    // With every cap raised, the file is found to be short: nothing of the claimed size was made.
    expect(() => readNifti(gz, { file: 'bomb.nii.gz', limits: { maxDimension: 20000, maxVoxels: 1e9, maxBytes: 1e10 } })).toThrow(/bomb\.nii\.gz.*truncated.*once inflated/);
  });

  it('refuses a file needing more bytes than maxBytes, and reads it when the limit is raised', () => {
    const { bytes } = small();
    expect(() => readNifti(bytes, { file: 'a.nii', limits: { maxBytes: 100 } })).toThrow(expect.objectContaining({ code: 'RESOURCE_LIMIT', limit: 'maxBytes' }));
    expect(readNifti(bytes, { limits: { maxBytes: 10_000 } }).volume.shape).toEqual([4, 2, 2]);
  });

  it('inflates a .nii.gz no further than the volume read', () => {
    const { bytes } = small();
    const gz = gzipSync(new Uint8Array([...bytes, ...new Uint8Array(1_000_000)]));
    expect(readNifti(gz, { limits: { maxBytes: 352 + 64 } }).volume.data[15]).toBe(15);
  });
});

describe('readNifti refuses what it would otherwise read wrongly', () => {
  it('a 4-D file without a volumeIndex is refused; with one, that volume is read', () => {
    const { bytes, view } = small(4);
    view.setInt16(DIM, 4, true);
    view.setInt16(DIM + 6, 2, true);
    view.setInt16(DIM + 8, 2, true);
    expect(() => readNifti(bytes, { file: 'dwi.nii' })).toThrow(MultiVolumeError);
    expect(() => readNifti(bytes, { file: 'dwi.nii' })).toThrow(/^dwi\.nii: holds 2 3-D volumes \(dimensions 2 x 2 x 2 x 2\).*volumeIndex/);
    const second = readNifti(bytes, { volumeIndex: 1 });
    expect(second.info.volumes).toBe(2);
    expect(Array.from(second.volume.data)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('negative and zero dimensions are refused, not clamped to 1', () => {
    for (const d of [-2, 0]) {
      const { bytes, view } = small();
      view.setInt16(DIM + 4, d, true);
      expect(() => readNifti(bytes, { file: 'neg.nii' })).toThrow(NotNiftiError);
      expect(() => readNifti(bytes, { file: 'neg.nii' })).toThrow(new RegExp(`neg\\.nii: .*dim\\[2\\] is ${d}`));
    }
  });

  it('a voxel size of 0 is an error that names the file', () => {
    const { bytes, view } = small();
    view.setInt16(252, 0, true); // qform_code
    view.setInt16(254, 0, true); // sform_code
    view.setFloat32(76 + 4, 0, true); // pixdim[1]
    expect(() => readNifti(bytes, { file: 'flat.nii' })).toThrow(InconsistentGeometryError);
    expect(() => readNifti(bytes, { file: 'flat.nii' })).toThrow(/^flat\.nii: .*voxel size of 0.*pixdim/);
  });
});

