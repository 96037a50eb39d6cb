import { zlibSync } from 'fflate';
import { InvalidArgumentError } from '../errors.js';
import { assertShape } from '../image.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes a greyscale image as an 8-bit PNG, mapping [low, high] to [0, 255] (clipped), for previews of
 * slices and datasets. Uses fflate's zlib for the IDAT stream.
 */
export function encodeGreyPng(data: ArrayLike<number>, rows: number, cols: number, low: number, high: number): Uint8Array {
  assertShape('encodeGreyPng', data, [rows, cols]);
  if (!(high > low)) throw new InvalidArgumentError('encodeGreyPng', `high (${high}) must exceed low (${low})`);
  const raw = new Uint8Array(rows * (cols + 1));
  for (let y = 0; y < rows; y++) {
    raw[y * (cols + 1)] = 0; // filter: none
    for (let x = 0; x < cols; x++) {
      const v = Math.round(((data[y * cols + x]! - low) / (high - low)) * 255);
      raw[y * (cols + 1) + 1 + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, cols);
  hv.setUint32(4, rows);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Tiles equally sized images into one grid image (row-major), for contact sheets. */
export function contactSheet(images: readonly ArrayLike<number>[], rows: number, cols: number, perRow: number, fill = -1): { data: Float32Array; rows: number; cols: number } {
  const gridRows = Math.ceil(images.length / perRow);
  const outCols = perRow * cols;
  const outRows = gridRows * rows;
  const out = new Float32Array(outRows * outCols).fill(fill);
  images.forEach((img, n) => {
    const oy = Math.floor(n / perRow) * rows;
    const ox = (n % perRow) * cols;
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) out[(oy + y) * outCols + ox + x] = img[y * cols + x]!;
  });
  return { data: out, rows: outRows, cols: outCols };
}
