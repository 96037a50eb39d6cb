import { unzipSync } from 'fflate';
import { InvalidArgumentError, UnsupportedPixelFormatError } from '../errors.js';

/** A NumPy array read from a .npy file: values as float32 in C (row-major) order. */
export interface NpyArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly dtype: string;
}

const DTYPES: Record<string, { bytes: number; get: (v: DataView, o: number, le: boolean) => number }> = {
  u1: { bytes: 1, get: (v, o) => v.getUint8(o) },
  i1: { bytes: 1, get: (v, o) => v.getInt8(o) },
  b1: { bytes: 1, get: (v, o) => v.getUint8(o) },
  u2: { bytes: 2, get: (v, o, le) => v.getUint16(o, le) },
  i2: { bytes: 2, get: (v, o, le) => v.getInt16(o, le) },
  u4: { bytes: 4, get: (v, o, le) => v.getUint32(o, le) },
  i4: { bytes: 4, get: (v, o, le) => v.getInt32(o, le) },
  f4: { bytes: 4, get: (v, o, le) => v.getFloat32(o, le) },
  f8: { bytes: 8, get: (v, o, le) => v.getFloat64(o, le) },
  i8: { bytes: 8, get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { bytes: 8, get: (v, o, le) => Number(v.getBigUint64(o, le)) },
};

/**
 * How to read one value of a NumPy dtype string such as '<u2', '>f4' or '|u1' (also used for headerless
 * raw files described the same way); undefined when the dtype is not read.
 */
export function numpyDtype(descr: string): { readonly bytes: number; readonly read: (view: DataView, offset: number) => number } | undefined {
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const dt = m ? DTYPES[m[2]!] : undefined;
  if (!m || !dt) return undefined;
  const le = m[1] !== '>';
  return { bytes: dt.bytes, read: (view, offset) => dt.get(view, offset, le) };
}

/**
 * Parses a .npy file (format versions 1 to 3): the magic "\x93NUMPY", a Python-literal header dict with
 * 'descr', 'fortran_order' and 'shape', then the raw array. Fortran-ordered arrays are transposed to C
 * order so `data` is always row-major.
 */
export function readNpy(bytes: Uint8Array, name = 'array.npy'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new InvalidArgumentError('readNpy', `${name} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new InvalidArgumentError('readNpy', `${name} has an unreadable .npy header: ${header.trim()}`);
  const dt = DTYPES[descr[2]!];
  if (!dt) throw new UnsupportedPixelFormatError(name, `NumPy dtype ${descr[1]}${descr[2]} is not read`);
  const le = descr[1] !== '>';
  const shape = shapeM[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  if (start + n * dt.bytes > bytes.length) throw new InvalidArgumentError('readNpy', `${name} is truncated: ${n} values of ${dt.bytes} bytes need ${n * dt.bytes} bytes after the header`);
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = dt.get(view, start + i * dt.bytes, le);
  if (fortran[1] === 'False' || shape.length < 2) return { data: src, shape, dtype: `${descr[1]}${descr[2]}` };
  // Fortran order: the first index varies fastest. Write into C order.
  const out = new Float32Array(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const cStrides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let a = 0; a < rank; a++) c += idx[a]! * cStrides[a]!;
    out[c] = src[f]!;
    for (let a = 0; a < rank; a++) {
      idx[a]! += 1;
      if (idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return { data: out, shape, dtype: `${descr[1]}${descr[2]}` };
}

/** Reads every array of a .npz (a zip of .npy files, stored or deflated) by name without the .npy suffix. */
export function readNpz(bytes: Uint8Array, name = 'arrays.npz'): Record<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new InvalidArgumentError('readNpz', `${name} is not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const out: Record<string, NpyArray> = {};
  for (const [k, v] of Object.entries(entries)) if (k.endsWith('.npy')) out[k.slice(0, -4)] = readNpy(v, `${name}:${k}`);
  return out;
}
