import type { DicomDictObject } from 'dcmjs';

/** Transfer syntaxes whose Pixel Data is native (not encapsulated), so its length is known from the header. */
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const DEFLATED = '1.2.840.10008.1.2.1.99';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

function num(dict: DicomDictObject, tag: string): number | undefined {
  const v = dict[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Whether the Pixel Data element whose declared length is `length` ends inside `bytes`. dcmjs hands
 * back a value of the declared length even when the file stops short (the rest is zeros), so the
 * check has to look at the bytes: the last (7FE0,0010) header that declares this length decides.
 * Undefined when no such header is found (nothing can be said).
 */
function valueEndsInside(bytes: Uint8Array, length: number, bigEndian: boolean): boolean | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = Buffer.from(bigEndian ? [0x7f, 0xe0, 0x00, 0x10] : [0xe0, 0x7f, 0x10, 0x00]);
  for (let at = buf.lastIndexOf(tag); at >= 132; at = buf.lastIndexOf(tag, at - 1)) {
    // Explicit VR: OB or OW, two reserved bytes, a 32-bit length; implicit VR: the length follows the tag.
    const vr = buf.toString('latin1', at + 4, at + 6);
    const headerLength = (vr === 'OB' || vr === 'OW') && buf[at + 6] === 0 && buf[at + 7] === 0 ? 12 : 8;
    if (at + headerLength > buf.length) continue;
    const declared = bigEndian ? buf.readUInt32BE(at + headerLength - 4) : buf.readUInt32LE(at + headerLength - 4);
    if (declared === length) return at + headerLength + length <= buf.length;
  }
  return undefined;
}

/**
 * Why an instance's native Pixel Data cannot be whole, or undefined when it is (or when its length
 * cannot be known: encapsulated syntaxes, no Pixel Data at all). The expected length is
 * Rows x Columns x SamplesPerPixel x NumberOfFrames x BitsAllocated / 8 (PS3.5 8.1.1), rounded up to
 * whole bytes; one byte of padding to an even length is allowed. Without this check an upload cut
 * short was stored and served with zeros in place of the missing pixels.
 */
export function pixelDataProblem(dict: DicomDictObject, transferSyntax: string, bytes: Uint8Array): string | undefined {
  const pixels = dict['7FE00010'];
  if (!pixels || !NATIVE.has(transferSyntax)) return undefined;
  const rows = num(dict, '00280010');
  const cols = num(dict, '00280011');
  const bits = num(dict, '00280100');
  const spp = num(dict, '00280002') ?? 1;
  const frames = num(dict, '00280008') ?? 1;
  if (rows === undefined || cols === undefined || bits === undefined) return 'it has Pixel Data but no Rows, Columns or BitsAllocated';
  for (const [name, n] of [['Rows', rows], ['Columns', cols], ['SamplesPerPixel', spp], ['NumberOfFrames', frames], ['BitsAllocated', bits]] as const) {
    if (!Number.isInteger(n) || n < 1) return `${name} is ${n}; it must be a positive integer`;
  }
  const expected = Math.ceil((rows * cols * spp * frames * bits) / 8);
  const values = (pixels.Value ?? []) as ArrayBuffer[];
  const actual = values.reduce((sum, v) => sum + (v?.byteLength ?? 0), 0);
  if (actual !== expected && !(expected % 2 === 1 && actual === expected + 1)) {
    return `Pixel Data holds ${actual} bytes but ${rows} rows x ${cols} columns x ${spp} samples x ${frames} frames x ${bits} bits need ${expected}; the instance is truncated or its header is wrong`;
  }
  // A deflated file's bytes are compressed; its inflated length was checked above.
  if (transferSyntax !== DEFLATED && valueEndsInside(bytes, actual, transferSyntax === BIG_ENDIAN) === false) {
    return `the file ends inside Pixel Data (${actual} bytes declared); the instance is truncated, send it whole`;
  }
  return undefined;
}
