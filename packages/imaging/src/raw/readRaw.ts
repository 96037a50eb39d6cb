import { gunzipSync } from 'fflate';
import { CorruptPixelDataError, InvalidArgumentError, UnsupportedPixelFormatError } from '../errors.js';
import { assertFinite, IDENTITY_DIRECTION, type Volume } from '../image.js';
import { numpyDtype } from '../npy/readNpy.js';

/** What a headerless raw image is, since the file cannot say: its size, value type and packing. */
export interface RawImageSpec {
  /** [rows, cols] for one slice, [depth, rows, cols] for a volume (C order, columns fastest). */
  readonly shape: readonly [number, number] | readonly [number, number, number];
  /** A NumPy dtype string: '>u2' is big-endian unsigned 16-bit. */
  readonly dtype: string;
  /** The file is gzip-compressed (e.g. matplotlib's `s1045.ima.gz`). */
  readonly gzip?: boolean;
  /** Voxel spacing [column, row, slice] in mm when known; nominal 1 mm otherwise. */
  readonly spacing?: readonly [number, number, number];
}

/**
 * Reads a headerless raw image whose layout is given by `spec`, placed axis-aligned at the origin. The
 * byte count must match the spec exactly, so a wrong shape or dtype is caught rather than read as noise.
 */
export function readRaw(bytes: Uint8Array, spec: RawImageSpec, file = 'image.raw'): Volume {
  const dt = numpyDtype(spec.dtype);
  if (!dt) throw new UnsupportedPixelFormatError(file, `raw dtype "${spec.dtype}" (give a NumPy dtype such as '<i2', '>u2' or '<f4')`);
  if (!spec.shape.every((s) => Number.isInteger(s) && s > 0)) throw new InvalidArgumentError('readRaw', `${file}: shape ${spec.shape.join(' x ')} must hold positive integers`);
  let payload = bytes;
  if (spec.gzip) {
    try {
      payload = gunzipSync(bytes);
    } catch (e) {
      throw new CorruptPixelDataError(file, `the gzip stream does not inflate (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
  }
  const [depth, rows, cols] = spec.shape.length === 2 ? [1, spec.shape[0], spec.shape[1]] : spec.shape;
  const n = depth * rows * cols;
  if (payload.length !== n * dt.bytes) throw new CorruptPixelDataError(file, `${payload.length} bytes, but ${spec.shape.join(' x ')} values of ${spec.dtype} are ${n * dt.bytes} bytes: the shape or dtype is wrong`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = dt.read(view, i * dt.bytes);
  assertFinite(data, file);
  return {
    data,
    shape: [depth, rows, cols],
    geometry: { spacing: spec.spacing ?? [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY_DIRECTION },
    source: { format: 'raw', files: [file] },
  };
}
