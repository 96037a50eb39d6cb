import { EmptyVolumeError, InvalidArgumentError, NonFiniteVoxelError } from './errors.js';

/**
 * The image types every package of the project shares.
 *
 * Conventions (the DICOM ones, so that a value read from DICOM needs no conversion):
 * - Voxel values are in modality units, Float32: the modality LUT (RescaleSlope / RescaleIntercept, or
 *   NIfTI's scl_slope / scl_inter) has been applied exactly once. CT is in HU.
 * - Index order: `data[(k * rows + j) * cols + i]`: i is the column (fastest), j the row, k the slice.
 *   `shape` lists the sizes slowest first: `[depth, rows, cols]` for a volume, `[rows, cols]` for a slice,
 *   which is also the order a tensor of shape [N, H, W] expects.
 * - World coordinates are DICOM patient coordinates, LPS, in mm (NIfTI's RAS is converted on reading and
 *   back on writing).
 * - `origin` is the world position of the *centre* of voxel (0, 0, 0) (DICOM ImagePositionPatient).
 * - `direction` is a row-major 3 x 3 matrix of unit vectors: entries 0..2 are the direction of +i (along a
 *   row; DICOM ImageOrientationPatient's first triplet), 3..5 of +j (down a column; its second triplet),
 *   6..8 of +k (from slice to slice).
 * - `spacing` is `[i, j, k]` in mm: column spacing, row spacing (note: DICOM PixelSpacing lists row
 *   spacing first), and slice spacing. For a single slice the third entry is the slice thickness or 1.
 * - world(i, j, k) = origin + i * spacing[0] * dir_i + j * spacing[1] * dir_j + k * spacing[2] * dir_k.
 */
export type Vec3 = readonly [number, number, number];

/** Row-major 3 x 3: [ix, iy, iz, jx, jy, jz, kx, ky, kz]. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export interface ImageGeometry {
  readonly spacing: Vec3;
  readonly origin: Vec3;
  readonly direction: Mat3;
}

/** One DICOM instance (or frame) an image came from; enough to reference it from a derived instance. */
export interface DicomReference {
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  /** 1-based frame number for multi-frame instances. */
  readonly frameNumber?: number;
}

/** Where an image came from. JSON-serialisable. */
export interface ImageSource {
  readonly format: 'dicom' | 'nifti' | 'npy' | 'inv3' | 'png' | 'metaimage' | 'raw' | 'derived' | 'array';
  /** File names (a series lists one per slice, in slice order). */
  readonly files: readonly string[];
  /** For DICOM: one reference per slice (k), in slice order. */
  readonly dicom?: readonly DicomReference[];
  /**
   * For DICOM: the Patient, Study and Series attributes of the first instance, as dcmjs naturalised
   * keywords (PatientName, PatientID, StudyInstanceUID, SeriesInstanceUID, Modality, ...), so that a
   * derived series can join the same study.
   */
  readonly dicomAttributes?: Readonly<Record<string, unknown>>;
  readonly description?: string;
}

interface ImageBase {
  /** Modality values (see the conventions above). */
  readonly data: Float32Array;
  readonly geometry: ImageGeometry;
  /** DICOM FrameOfReferenceUID, when known: images sharing it share world coordinates. */
  readonly frameOfReferenceUID?: string;
  /** DICOM Modality code: 'CT', 'MR', 'PT', 'OT', ... */
  readonly modality?: string;
  readonly source: ImageSource;
}

/** A 3-D scalar image. */
export interface Volume extends ImageBase {
  /** [depth, rows, cols]. */
  readonly shape: readonly [number, number, number];
}

/** A 2-D scalar image placed in 3-D (a slice of a volume, or one DICOM frame). */
export interface Image2D extends ImageBase {
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
}

export const IDENTITY_DIRECTION: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks that shape and data agree and sizes are positive; throws InvalidArgumentError. */
export function assertShape(fn: string, data: ArrayLike<number>, shape: readonly number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s <= 0) throw new InvalidArgumentError(fn, `shape ${JSON.stringify(shape)} must hold positive integers`);
  }
  const n = voxelCount(shape);
  if (data.length !== n) throw new InvalidArgumentError(fn, `data has ${data.length} values but shape ${JSON.stringify(shape)} needs ${n}`);
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function directionAxis(direction: Mat3, axis: 0 | 1 | 2): Vec3 {
  return [direction[axis * 3]!, direction[axis * 3 + 1]!, direction[axis * 3 + 2]!];
}

/** World (LPS mm) position of the centre of voxel (i, j, k), which may be fractional. */
export function indexToWorld(geometry: ImageGeometry, i: number, j: number, k: number): Vec3 {
  const { origin, spacing, direction: d } = geometry;
  const a = i * spacing[0];
  const b = j * spacing[1];
  const c = k * spacing[2];
  return [
    origin[0] + a * d[0] + b * d[3] + c * d[6],
    origin[1] + a * d[1] + b * d[4] + c * d[7],
    origin[2] + a * d[2] + b * d[5] + c * d[8],
  ];
}

/** Slice k of a volume as an Image2D that shares no memory with the volume. */
export function volumeSlice(volume: Volume, k: number): Image2D {
  const [depth, rows, cols] = volume.shape;
  if (!Number.isInteger(k) || k < 0 || k >= depth) throw new InvalidArgumentError('volumeSlice', `slice ${k} is outside 0..${depth - 1}`);
  const n = rows * cols;
  const ref = volume.source.dicom?.[k];
  return {
    data: volume.data.slice(k * n, (k + 1) * n),
    shape: [rows, cols],
    geometry: { ...volume.geometry, origin: indexToWorld(volume.geometry, 0, 0, k) },
    ...(volume.frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID: volume.frameOfReferenceUID }),
    ...(volume.modality === undefined ? {} : { modality: volume.modality }),
    source: {
      ...volume.source,
      files: volume.source.files.length === depth ? [volume.source.files[k]!] : volume.source.files,
      ...(ref === undefined ? {} : { dicom: [ref] }),
    },
  };
}

/** Stacks slices that share rows, cols and in-plane geometry into a volume (slice spacing from the positions). */
export function stackSlices(slices: readonly Image2D[], source?: ImageSource): Volume {
  const first = slices[0];
  if (first === undefined) throw new EmptyVolumeError(undefined, 'no slices to stack');
  const [rows, cols] = first.shape;
  const data = new Float32Array(slices.length * rows * cols);
  slices.forEach((s, k) => {
    if (s.shape[0] !== rows || s.shape[1] !== cols) throw new InvalidArgumentError('stackSlices', `slice ${k} is ${s.shape.join('x')}, slice 0 is ${rows}x${cols}`);
    data.set(s.data, k * rows * cols);
  });
  let spacingK = first.geometry.spacing[2];
  const last = slices[slices.length - 1]!;
  if (slices.length > 1) {
    const normal = directionAxis(first.geometry.direction, 2);
    const d = dot([last.geometry.origin[0] - first.geometry.origin[0], last.geometry.origin[1] - first.geometry.origin[1], last.geometry.origin[2] - first.geometry.origin[2]], normal);
    spacingK = d / (slices.length - 1);
  }
  const flip = spacingK < 0;
  const dir = first.geometry.direction;
  return {
    data,
    shape: [slices.length, rows, cols],
    geometry: {
      spacing: [first.geometry.spacing[0], first.geometry.spacing[1], Math.abs(spacingK)],
      origin: first.geometry.origin,
      direction: flip ? [dir[0], dir[1], dir[2], dir[3], dir[4], dir[5], -dir[6], -dir[7], -dir[8]] : dir,
    },
    ...(first.frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID: first.frameOfReferenceUID }),
    ...(first.modality === undefined ? {} : { modality: first.modality }),
    source: source ?? {
      format: first.source.format,
      files: slices.flatMap((s) => s.source.files),
      ...(first.source.dicom ? { dicom: slices.flatMap((s) => s.source.dicom ?? []) } : {}),
      ...(first.source.dicomAttributes ? { dicomAttributes: first.source.dicomAttributes } : {}),
    },
  };
}

/** Throws NonFiniteVoxelError if any value is NaN or infinite. */
export function assertFinite(data: ArrayLike<number>, file?: string): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count > 0) throw new NonFiniteVoxelError(file, count, first);
}

/** Throws EmptyVolumeError when there are no voxels or every voxel has the same value. */
export function assertNotEmpty(data: ArrayLike<number>, file?: string): void {
  if (data.length === 0) throw new EmptyVolumeError(file, 'it has no voxels');
  const v0 = data[0]!;
  for (let i = 1; i < data.length; i++) if (data[i] !== v0) return;
  throw new EmptyVolumeError(file, `all ${data.length} voxels have the value ${v0}`);
}
