import * as nifti from 'nifti-reader-js';
import { assertFinite, type Volume } from '../image.js';
import { ColourImageError, InvalidArgumentError, NotNiftiError, UnsupportedPixelFormatError } from '../errors.js';
import { type Affine, affineToGeometry } from './affine.js';

export interface ReadNiftiOptions {
  /** File name for messages and provenance. */
  readonly file?: string;
  /** Which 3-D volume of a 4-D (or higher) file to read; default 0. */
  readonly volumeIndex?: number;
  /** DICOM-style modality code to record ('MR', 'CT', ...); NIfTI does not store one. */
  readonly modality?: string;
}

/** What the header says beyond the volume itself. */
export interface NiftiInfo {
  readonly version: 1 | 2;
  /** Number of 3-D volumes in the file (dims 4 and up multiplied). */
  readonly volumes: number;
  readonly datatypeCode: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly qformCode: number;
  readonly sformCode: number;
  readonly description: string;
}

type Reader = (view: DataView, offset: number) => number;
const READERS: Record<number, { bytes: number; read: (le: boolean) => Reader; name: string }> = {
  2: { bytes: 1, read: () => (v, o) => v.getUint8(o), name: 'uint8' },
  256: { bytes: 1, read: () => (v, o) => v.getInt8(o), name: 'int8' },
  4: { bytes: 2, read: (le) => (v, o) => v.getInt16(o, le), name: 'int16' },
  512: { bytes: 2, read: (le) => (v, o) => v.getUint16(o, le), name: 'uint16' },
  8: { bytes: 4, read: (le) => (v, o) => v.getInt32(o, le), name: 'int32' },
  768: { bytes: 4, read: (le) => (v, o) => v.getUint32(o, le), name: 'uint32' },
  16: { bytes: 4, read: (le) => (v, o) => v.getFloat32(o, le), name: 'float32' },
  64: { bytes: 8, read: (le) => (v, o) => v.getFloat64(o, le), name: 'float64' },
  1024: { bytes: 8, read: (le) => (v, o) => Number(v.getBigInt64(o, le)), name: 'int64' },
  1280: { bytes: 8, read: (le) => (v, o) => Number(v.getBigUint64(o, le)), name: 'uint64' },
};
const COLOUR_TYPES: Record<number, string> = { 128: 'RGB24', 2304: 'RGBA32' };

function toArrayBuffer(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** srow_x/y/z straight from the header bytes (NIfTI-1: float32 at 280; NIfTI-2: float64 at 400). */
function readSform(raw: ArrayBuffer, version: 1 | 2, le: boolean): Affine {
  const v = new DataView(raw);
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) row.push(version === 1 ? v.getFloat32(280 + (r * 4 + c) * 4, le) : v.getFloat64(400 + (r * 4 + c) * 8, le));
    rows.push(row);
  }
  rows.push([0, 0, 0, 1]);
  return rows;
}

/**
 * Reads a NIfTI-1 or NIfTI-2 file (.nii, or gzip-compressed .nii.gz) into a volume in LPS: scl_slope and
 * scl_inter applied once (skipped when scl_slope is 0 or NaN, as the standard says), and the geometry
 * from the sform when sform_code > 0, else the qform, else the voxel sizes (nibabel's order).
 */
export function readNifti(bytes: Uint8Array | ArrayBuffer, options: ReadNiftiOptions = {}): { volume: Volume; info: NiftiInfo } {
  const file = options.file;
  let raw = toArrayBuffer(bytes);
  try {
    if (nifti.isCompressed(raw)) raw = nifti.decompress(raw) as ArrayBuffer;
  } catch (e) {
    throw new NotNiftiError(file, `gzip data could not be inflated (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!nifti.isNIFTI(raw)) throw new NotNiftiError(file, raw.byteLength < 348 ? `only ${raw.byteLength} bytes long` : 'no NIfTI-1 or NIfTI-2 magic in the header');
  const version: 1 | 2 = nifti.isNIFTI2(raw) ? 2 : 1;
  let h: ReturnType<typeof nifti.readHeader>;
  try {
    h = nifti.readHeader(raw);
  } catch (e) {
    throw new NotNiftiError(file, `the header could not be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const dims = h.dims;
  const ndim = dims[0] ?? 0;
  if (ndim < 1 || ndim > 7) throw new NotNiftiError(file, `dim[0] is ${ndim}, it must be 1..7`);
  const nx = Math.max(1, dims[1] ?? 1);
  const ny = ndim >= 2 ? Math.max(1, dims[2] ?? 1) : 1;
  const nz = ndim >= 3 ? Math.max(1, dims[3] ?? 1) : 1;
  let volumes = 1;
  for (let d = 4; d <= ndim; d++) volumes *= Math.max(1, dims[d] ?? 1);
  const vi = options.volumeIndex ?? 0;
  if (!Number.isInteger(vi) || vi < 0 || vi >= volumes) throw new InvalidArgumentError('readNifti', `volumeIndex ${vi} is outside 0..${volumes - 1} for ${file ?? 'this file'}`);
  if (COLOUR_TYPES[h.datatypeCode]) throw new ColourImageError(file, COLOUR_TYPES[h.datatypeCode]!, h.datatypeCode === 128 ? 3 : 4);
  const reader = READERS[h.datatypeCode];
  if (!reader) throw new UnsupportedPixelFormatError(file, `NIfTI datatype ${h.datatypeCode} (complex, binary or unknown) is not read`);
  const n = nx * ny * nz;
  const start = Math.round(Number(h.vox_offset)) + vi * n * reader.bytes;
  if (start + n * reader.bytes > raw.byteLength) {
    throw new NotNiftiError(file, `the file is truncated: volume ${vi} needs bytes ${start}..${start + n * reader.bytes}, the file has ${raw.byteLength}`);
  }
  const view = new DataView(raw, start, n * reader.bytes);
  const read = reader.read(h.littleEndian);
  const slopeRaw = Number(h.scl_slope);
  const scale = Number.isFinite(slopeRaw) && slopeRaw !== 0;
  const slope = scale ? slopeRaw : 1;
  const inter = scale && Number.isFinite(Number(h.scl_inter)) ? Number(h.scl_inter) : 0;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = read(view, i * reader.bytes) * slope + inter;
  assertFinite(data, file);
  const affine: Affine = h.sform_code > 0 ? readSform(raw, version, h.littleEndian) : h.affine;
  const geometry = affineToGeometry(affine);
  const description = String(h.description ?? '').replace(/\0/g, '').trim();
  return {
    volume: {
      data,
      shape: [nz, ny, nx],
      geometry,
      ...(options.modality ? { modality: options.modality } : {}),
      source: { format: 'nifti', files: file === undefined ? [] : [file], ...(description ? { description } : {}) },
    },
    info: { version, volumes, datatypeCode: h.datatypeCode, sclSlope: slope, sclInter: inter, qformCode: h.qform_code, sformCode: h.sform_code, description },
  };
}
