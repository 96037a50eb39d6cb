import * as nifti from 'nifti-reader-js';
import { assertFinite, type Volume } from '../image.js';
import { ColourImageError, InconsistentGeometryError, InvalidArgumentError, MultiVolumeError, NotNiftiError, ResourceLimitError, UnsupportedPixelFormatError } from '../errors.js';
import { type Affine, affineToGeometry } from './affine.js';
import { inflateBounded } from './inflateBounded.js';
import { CLAIMS_BYTES, niftiClaims, type NiftiClaims } from './niftiHeader.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from '../readerLimits.js';

export interface ReadNiftiOptions {
  /** File name for messages and provenance. */
  readonly file?: string;
  /**
   * Which 3-D volume of a 4-D (or higher) file to read. Required when the file holds more than one:
   * reading volume 0 of a time series without being asked to would pass for the whole file.
   */
  readonly volumeIndex?: number;
  /** Caps on what the header may ask for; see DEFAULT_READER_LIMITS. */
  readonly limits?: Partial<ReaderLimits>;
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
  const limits = { ...DEFAULT_READER_LIMITS, ...options.limits };
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const compressed = input.length >= 2 && nifti.isCompressed(toArrayBuffer(input.subarray(0, 2)));
  // 1. The header's claims, from the first bytes only (inflating no more than that).
  const head = compressed ? inflate(input, CLAIMS_BYTES, file) : input.subarray(0, CLAIMS_BYTES);
  const claims = niftiClaims(head);
  if (!claims) throw new NotNiftiError(file, head.length < 348 ? `only ${head.length} bytes long` : 'no NIfTI-1 or NIfTI-2 header (sizeof_hdr is neither 348 nor 540)');
  // 2. Checked against the limits before anything of that size exists.
  const plan = planRead(claims, options.volumeIndex, limits, file);
  // 3. Only the bytes up to the end of the volume read.
  const raw = compressed ? toArrayBuffer(inflate(input, plan.end, file)) : toArrayBuffer(input);
  if (!nifti.isNIFTI(raw)) throw new NotNiftiError(file, raw.byteLength < 348 ? `only ${raw.byteLength} bytes long` : 'no NIfTI-1 or NIfTI-2 magic in the header');
  const version: 1 | 2 = nifti.isNIFTI2(raw) ? 2 : 1;
  let h: ReturnType<typeof nifti.readHeader>;
  try {
    h = nifti.readHeader(raw);
  } catch (e) {
    throw new NotNiftiError(file, `the header could not be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const { nx, ny, nz, volumes, vi, reader } = plan;
  const n = nx * ny * nz;
  const start = plan.end - n * reader.bytes;
  if (plan.end > raw.byteLength) {
    throw new NotNiftiError(file, `the file is truncated: volume ${vi} needs bytes ${start}..${plan.end}, the file has ${compressed ? `${raw.byteLength} once inflated` : raw.byteLength}`);
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
  let geometry: ReturnType<typeof affineToGeometry>;
  try {
    geometry = affineToGeometry(affine);
  } catch (e) {
    const from = h.sform_code > 0 ? 'sform (srow_x/y/z)' : h.qform_code > 0 ? 'qform' : 'voxel sizes (pixdim)';
    throw new InconsistentGeometryError(file, `the ${from} gives a voxel size of 0 (pixdim ${JSON.stringify(Array.from(h.pixDims).slice(1, 4))}); set pixdim[1..3] to the voxel size in mm`);
  }
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

function inflate(gz: Uint8Array, limit: number, file: string | undefined): Uint8Array {
  try {
    return inflateBounded(gz, limit);
  } catch (e) {
    throw new NotNiftiError(file, `gzip data could not be inflated (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** Sizes from the header, refused when invalid or beyond the limits; `end` is the last byte needed. */
function planRead(c: NiftiClaims, volumeIndex: number | undefined, limits: ReaderLimits, file: string | undefined) {
  const ndim = c.dims[0]!;
  if (!(ndim >= 1 && ndim <= 7)) throw new NotNiftiError(file, `dim[0] is ${ndim}, it must be 1..7`);
  const dims = c.dims.slice(1, ndim + 1);
  // A size of 0 or less is no size; clamping it to 1 would read a different image than the file holds.
  dims.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) throw new NotNiftiError(file, `dim[${i + 1}] is ${d}; every dimension up to dim[0] = ${ndim} must be at least 1`);
  });
  const [nx, ny = 1, nz = 1] = dims as [number, number?, number?];
  for (const [axis, size] of [['x', nx], ['y', ny], ['z', nz]] as const) {
    if (size > limits.maxDimension) throw new ResourceLimitError(file, `the image size along ${axis} in the header`, 'maxDimension', size, limits.maxDimension);
  }
  const n = nx * ny * nz;
  if (n > limits.maxVoxels) throw new ResourceLimitError(file, `the voxel count in the header (${nx} x ${ny} x ${nz})`, 'maxVoxels', n, limits.maxVoxels);
  const volumes = dims.slice(3).reduce((a, b) => a * b, 1);
  if (volumes > 1 && volumeIndex === undefined) throw new MultiVolumeError(file, volumes, dims);
  const vi = volumeIndex ?? 0;
  if (!Number.isInteger(vi) || vi < 0 || vi >= volumes) throw new InvalidArgumentError('readNifti', `volumeIndex ${vi} is outside 0..${volumes - 1} for ${file ?? 'this file'}`);
  if (COLOUR_TYPES[c.datatypeCode]) throw new ColourImageError(file, COLOUR_TYPES[c.datatypeCode]!, c.datatypeCode === 128 ? 3 : 4);
  const reader = READERS[c.datatypeCode];
  if (!reader) throw new UnsupportedPixelFormatError(file, `NIfTI datatype ${c.datatypeCode} (complex, binary or unknown) is not read`);
  const voxOffset = Math.round(c.voxOffset);
  if (!Number.isSafeInteger(voxOffset) || voxOffset < 0) throw new NotNiftiError(file, `vox_offset is ${c.voxOffset}`);
  const end = voxOffset + (vi + 1) * n * reader.bytes;
  if (end > limits.maxBytes) throw new ResourceLimitError(file, `the number of bytes needed to read volume ${vi} (header and voxels, inflated)`, 'maxBytes', end, limits.maxBytes);
  return { nx, ny, nz, volumes, vi, reader, end };
}
