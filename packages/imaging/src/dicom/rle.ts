import { CorruptPixelDataError } from '../errors.js';

/**
 * Decodes one frame of DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets,
 * then one PackBits-style segment per byte plane, most significant byte first, one per sample.
 * Returns the frame as native little-endian bytes, samples planar-interleaved as DICOM native pixels
 * would be (colour planes are interleaved per pixel, as PlanarConfiguration 0).
 */
export function decodeRleFrame(
  encoded: Uint8Array,
  rows: number,
  cols: number,
  bitsAllocated: number,
  samplesPerPixel: number,
  file?: string,
): Uint8Array {
  const bytesPerSample = bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample)) throw new CorruptPixelDataError(file, `RLE needs whole bytes per sample, got BitsAllocated ${bitsAllocated}`);
  const pixels = rows * cols;
  if (encoded.byteLength < 64) throw new CorruptPixelDataError(file, 'RLE frame is shorter than its 64-byte header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const nSegments = view.getUint32(0, true);
  const expected = bytesPerSample * samplesPerPixel;
  if (nSegments !== expected) throw new CorruptPixelDataError(file, `RLE header lists ${nSegments} segments, ${expected} expected`);
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < nSegments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < nSegments ? view.getUint32(8 + 4 * s, true) : encoded.byteLength;
    if (start < 64 || end > encoded.byteLength || start > end) throw new CorruptPixelDataError(file, `RLE segment ${s} offsets ${start}..${end} are outside the frame`);
    const sample = Math.floor(s / bytesPerSample);
    // Segments are most significant byte first; native little-endian puts that byte last.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    let written = 0;
    let p = start;
    while (p < end && written < pixels) {
      const n = (encoded[p++]! << 24) >> 24; // signed header byte
      if (n >= 0) {
        const count = n + 1;
        if (p + count > end) throw new CorruptPixelDataError(file, `RLE segment ${s} literal run overruns the segment`);
        for (let c = 0; c < count && written < pixels; c++) {
          out[o] = encoded[p + c]!;
          o += stride;
          written++;
        }
        p += count;
      } else if (n !== -128) {
        const count = 1 - n;
        const v = encoded[p++]!;
        for (let c = 0; c < count && written < pixels; c++) {
          out[o] = v;
          o += stride;
          written++;
        }
      }
    }
    if (written < pixels) throw new CorruptPixelDataError(file, `RLE segment ${s} decoded to ${written} of ${pixels} pixels`);
  }
  return out;
}
