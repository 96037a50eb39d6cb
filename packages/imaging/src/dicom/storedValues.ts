import { CorruptPixelDataError } from '../errors.js';
import type { PixelModule } from './pixelModule.js';

/**
 * Turns one frame of native little-endian pixel bytes into stored values (integers, before the modality
 * LUT): masks to BitsStored below HighBit and sign-extends when PixelRepresentation is 1, so overlay bits
 * in unused high bits never leak into values.
 */
export function storedValues(bytes: Uint8Array, pm: PixelModule, file?: string): Float64Array | Int32Array {
  const n = pm.rows * pm.cols;
  if (pm.bitsAllocated === 1) {
    if (bytes.length * 8 < n) throw new CorruptPixelDataError(file, `a 1-bit frame needs ${Math.ceil(n / 8)} bytes, got ${bytes.length}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = (bytes[i >> 3]! >> (i & 7)) & 1;
    return out;
  }
  const bps = pm.bitsAllocated / 8;
  if (bytes.length < n * bps) throw new CorruptPixelDataError(file, `a frame needs ${n * bps} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * bps);
  const shift = pm.highBit + 1 - pm.bitsStored;
  const signed = pm.pixelRepresentation === 1;
  const bits = pm.bitsStored;
  // 32-bit unsigned values do not fit Int32: use Float64 there (exact up to 2^53).
  const out = pm.bitsAllocated === 32 ? new Float64Array(n) : new Int32Array(n);
  const full = bits === pm.bitsAllocated && shift === 0;
  for (let i = 0; i < n; i++) {
    let raw: number;
    if (bps === 1) raw = view.getUint8(i);
    else if (bps === 2) raw = view.getUint16(2 * i, true);
    else raw = view.getUint32(4 * i, true);
    let v: number;
    if (full) {
      v = signed ? (bps === 1 ? (raw << 24) >> 24 : bps === 2 ? (raw << 16) >> 16 : raw | 0) : raw;
    } else {
      v = Math.floor(raw / 2 ** shift) % 2 ** bits;
      if (signed && v >= 2 ** (bits - 1)) v -= 2 ** bits;
    }
    out[i] = v;
  }
  return out;
}

/** Swaps the byte order of each sample in place (big-endian native pixels to little endian). */
export function swapBytes(bytes: Uint8Array, bytesPerSample: number): Uint8Array {
  if (bytesPerSample <= 1) return bytes;
  const out = bytes.slice();
  for (let i = 0; i + bytesPerSample <= out.length; i += bytesPerSample) {
    for (let a = 0, b = bytesPerSample - 1; a < b; a++, b--) {
      const t = out[i + a]!;
      out[i + a] = out[i + b]!;
      out[i + b] = t;
    }
  }
  return out;
}
