import { gzipSync } from 'fflate';
import { assertFinite, assertShape, type Volume } from '../image.js';
import { InvalidArgumentError } from '../errors.js';
import { geometryToAffine } from './affine.js';

export interface WriteNiftiOptions {
  /** 1 (348-byte header, the common one) or 2 (540-byte header, 64-bit sizes). Default 1. */
  readonly version?: 1 | 2;
  /** 'float32' keeps values exactly; 'int16' stores with scl_slope/scl_inter chosen to keep the range. Default float32. */
  readonly datatype?: 'float32' | 'int16';
  /** gzip the output (.nii.gz). Default false. */
  readonly gzip?: boolean;
  /** Up to 79 characters for the header's descrip field. */
  readonly description?: string;
}

/** Quaternion form of a rotation (PS: NIfTI-1 header docs, "METHOD 2"), with qfac for left-handed axes. */
function quaternion(r: number[][]): { b: number; c: number; d: number; qfac: number } {
  const m = r.map((row) => row.slice());
  const det =
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  let qfac = 1;
  if (det < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) m[i]![2] = -m[i]![2]!;
  }
  const R = (i: number, j: number) => m[i - 1]![j - 1]!;
  let a = R(1, 1) + R(2, 2) + R(3, 3) + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (R(3, 2) - R(2, 3))) / a;
    c = (0.25 * (R(1, 3) - R(3, 1))) / a;
    d = (0.25 * (R(2, 1) - R(1, 2))) / a;
  } else {
    const xd = 1 + R(1, 1) - (R(2, 2) + R(3, 3));
    const yd = 1 + R(2, 2) - (R(1, 1) + R(3, 3));
    const zd = 1 + R(3, 3) - (R(1, 1) + R(2, 2));
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (R(1, 2) + R(2, 1))) / b;
      d = (0.25 * (R(1, 3) + R(3, 1))) / b;
      a = (0.25 * (R(3, 2) - R(2, 3))) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (R(1, 2) + R(2, 1))) / c;
      d = (0.25 * (R(2, 3) + R(3, 2))) / c;
      a = (0.25 * (R(1, 3) - R(3, 1))) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (R(1, 3) + R(3, 1))) / d;
      c = (0.25 * (R(2, 3) + R(3, 2))) / d;
      a = (0.25 * (R(2, 1) - R(1, 2))) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

function isOrthonormal(dir: readonly number[]): boolean {
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += dir[a * 3 + k]! * dir[b * 3 + k]!;
      if (Math.abs(s - (a === b ? 1 : 0)) > 1e-4) return false;
    }
  }
  return true;
}

function int16Scaling(data: Float32Array): { slope: number; inter: number } {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.round(v)) integral = false;
  }
  if (integral && min >= -32768 && max <= 32767) return { slope: 1, inter: 0 };
  if (max === min) return { slope: 1, inter: min };
  return { slope: (max - min) / 65534, inter: (max + min) / 2 };
}

/**
 * Writes a volume as a single-file NIfTI (.nii, or .nii.gz with `gzip`), converting LPS back to RAS.
 * Both sform (code 2, aligned) and, when the axes are orthogonal, qform (code 1, scanner) are set, so
 * tools that read either agree. Units: mm.
 */
export function writeNifti(volume: Volume, options: WriteNiftiOptions = {}): Uint8Array {
  const [nz, ny, nx] = volume.shape;
  assertShape('writeNifti', volume.data, volume.shape);
  assertFinite(volume.data);
  const version = options.version ?? 1;
  const dtype = options.datatype ?? 'float32';
  if (version !== 1 && version !== 2) throw new InvalidArgumentError('writeNifti', `version must be 1 or 2, got ${String(version)}`);
  if (dtype !== 'float32' && dtype !== 'int16') throw new InvalidArgumentError('writeNifti', `datatype must be 'float32' or 'int16', got ${String(dtype)}`);
  const hdrSize = version === 1 ? 348 : 540;
  const voxOffset = hdrSize + 4; // + the 4-byte extension flag, all zero
  const bytesPer = dtype === 'float32' ? 4 : 2;
  const n = nx * ny * nz;
  const buf = new ArrayBuffer(voxOffset + n * bytesPer);
  const v = new DataView(buf);
  const u8 = new Uint8Array(buf);
  const le = true;
  const affine = geometryToAffine(volume.geometry);
  const scaling = dtype === 'int16' ? int16Scaling(volume.data) : { slope: 1, inter: 0 };
  const ortho = isOrthonormal(volume.geometry.direction);
  const rot = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r]![c]! / volume.geometry.spacing[c]!));
  const q = quaternion(rot);
  const desc = new TextEncoder().encode((options.description ?? volume.source.description ?? '').slice(0, 79));
  const dims = [3, nx, ny, nz, 1, 1, 1, 1];
  const pixdim = [ortho ? q.qfac : 1, volume.geometry.spacing[0], volume.geometry.spacing[1], volume.geometry.spacing[2], 1, 0, 0, 0];
  const datatypeCode = dtype === 'float32' ? 16 : 4;
  const xyztUnits = 2; // mm
  if (version === 1) {
    v.setInt32(0, 348, le);
    u8[38] = 0x72; // 'r'
    dims.forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
    v.setInt16(70, datatypeCode, le);
    v.setInt16(72, bytesPer * 8, le);
    pixdim.forEach((d, i) => v.setFloat32(76 + 4 * i, d, le));
    v.setFloat32(108, voxOffset, le);
    v.setFloat32(112, scaling.slope, le);
    v.setFloat32(116, scaling.inter, le);
    u8[123] = xyztUnits;
    u8.set(desc, 148);
    v.setInt16(252, ortho ? 1 : 0, le);
    v.setInt16(254, 2, le);
    [q.b, q.c, q.d, affine[0]![3]!, affine[1]![3]!, affine[2]![3]!].forEach((x, i) => v.setFloat32(256 + 4 * i, x, le));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat32(280 + (r * 4 + c) * 4, affine[r]![c]!, le);
    u8.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  } else {
    v.setInt32(0, 540, le);
    u8.set([0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n"
    v.setInt16(12, datatypeCode, le);
    v.setInt16(14, bytesPer * 8, le);
    dims.forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), le));
    pixdim.forEach((d, i) => v.setFloat64(104 + 8 * i, d, le));
    v.setBigInt64(168, BigInt(voxOffset), le);
    v.setFloat64(176, scaling.slope, le);
    v.setFloat64(184, scaling.inter, le);
    u8.set(desc, 240);
    v.setInt32(344, ortho ? 1 : 0, le);
    v.setInt32(348, 2, le);
    [q.b, q.c, q.d, affine[0]![3]!, affine[1]![3]!, affine[2]![3]!].forEach((x, i) => v.setFloat64(352 + 8 * i, x, le));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat64(400 + (r * 4 + c) * 8, affine[r]![c]!, le);
    v.setInt32(500, xyztUnits, le);
  }
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++) v.setFloat32(voxOffset + 4 * i, volume.data[i]!, le);
  } else {
    for (let i = 0; i < n; i++) v.setInt16(voxOffset + 2 * i, Math.max(-32768, Math.min(32767, Math.round((volume.data[i]! - scaling.inter) / scaling.slope))), le);
  }
  return options.gzip ? gzipSync(u8) : u8;
}
