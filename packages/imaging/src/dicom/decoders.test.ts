import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/pydicom-reference.json' with { type: 'json' };
import { pydicomBytes } from '../testing/openData.js';
import { defaultDecoders, type FrameInfo } from './decoders.js';
import { parseDicom } from './parseDicom.js';
import { decodeRleFrame } from './rle.js';

interface RefEntry { rows: number; cols: number; sum: number; pixels: Record<string, [number[], number[]]> }
const ref = reference.files as unknown as Record<string, RefEntry>;

// Colour files are refused by readDicom (the models need grey), but they are the only lossless JPEG
// and JPEG 2000 colour samples here: decode their frames directly and compare with pydicom.
function frameOf(name: string) {
  const { dataset, transferSyntaxUID } = parseDicom(pydicomBytes(name), name);
  const pd = dataset['PixelData'] as ArrayBuffer[];
  const encoded = new Uint8Array(pd.reduce((a, b) => a + b.byteLength, 0));
  let o = 0;
  for (const b of pd) {
    encoded.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  const info: FrameInfo = {
    rows: dataset['Rows'] as number,
    cols: dataset['Columns'] as number,
    bitsAllocated: dataset['BitsAllocated'] as number,
    bitsStored: dataset['BitsStored'] as number,
    pixelRepresentation: 0,
    samplesPerPixel: 3,
    transferSyntaxUID,
    file: name,
  };
  return { encoded, info };
}

function checkAgainst(name: string, bytes: Uint8Array, bytesPerSample: number, tolerance: number) {
  const r = ref[name]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = (i: number) => (bytesPerSample === 1 ? bytes[i]! : view.getUint16(2 * i, true));
  let sum = 0;
  for (let i = 0; i < r.rows * r.cols * 3; i++) sum += get(i);
  expect(Math.abs(sum - r.sum) / r.sum).toBeLessThanOrEqual(tolerance);
  for (const [i, [px]] of Object.entries(r.pixels)) {
    for (let c = 0; c < 3; c++) expect(Math.abs(get(Number(i) * 3 + c) - px[c]!)).toBeLessThanOrEqual(tolerance === 0 ? 0 : 8);
  }
}

describe('frame decoders against pydicom', () => {
  it('RLE, 8-bit RGB (three segments)', () => {
    const { encoded, info } = frameOf('SC_rgb_rle.dcm');
    checkAgainst('SC_rgb_rle.dcm', decodeRleFrame(encoded, info.rows, info.cols, 8, 3), 1, 0);
  });
  it('RLE, 16-bit RGB (six segments, high byte first)', () => {
    const { encoded, info } = frameOf('SC_rgb_rle_16bit.dcm');
    checkAgainst('SC_rgb_rle_16bit.dcm', decodeRleFrame(encoded, info.rows, info.cols, 16, 3), 2, 0);
  });
  it('JPEG 2000 (openjpeg) gives the same pixels as pydicom', async () => {
    const { encoded, info } = frameOf('SC_rgb_gdcm_KY.dcm');
    checkAgainst('SC_rgb_gdcm_KY.dcm', await defaultDecoders['jpeg-2000']!(encoded, info), 1, 0);
  });
  it('JPEG Lossless (process 14) gives the RLE file\'s pixels exactly', async () => {
    const { encoded, info } = frameOf('SC_rgb_jpeg_gdcm.dcm');
    // Same picture as SC_rgb_rle.dcm, losslessly coded; pydicom here has no decoder for this syntax.
    checkAgainst('SC_rgb_rle.dcm', await defaultDecoders['jpeg-lossless']!(encoded, info), 1, 0);
  });
  it('JPEG Baseline (libjpeg-turbo) matches pydicom/Pillow up to colour space and loss', async () => {
    const { encoded, info } = frameOf('SC_rgb_jpeg_lossy_gdcm.dcm');
    const rgb = await defaultDecoders['jpeg-baseline']!(encoded, info);
    // Pillow hands back this file's YCbCr samples unconverted; libjpeg-turbo converts to RGB. Convert
    // ours with the JFIF equations and compare (lossy: a few grey levels apart at most).
    const r = ref['SC_rgb_jpeg_lossy_gdcm.dcm']!;
    for (const [i, [px]] of Object.entries(r.pixels)) {
      const [R, G, B] = [rgb[3 * Number(i)]!, rgb[3 * Number(i) + 1]!, rgb[3 * Number(i) + 2]!];
      const ycc = [0.299 * R + 0.587 * G + 0.114 * B, 128 - 0.168736 * R - 0.331264 * G + 0.5 * B, 128 + 0.5 * R - 0.418688 * G - 0.081312 * B];
      // Luma within 4; chroma within 16 (the two libraries upsample subsampled chroma differently at edges).
      for (let c = 0; c < 3; c++) expect(Math.abs(Math.min(255, ycc[c]!) - px[c]!)).toBeLessThanOrEqual(c === 0 ? 4 : 16);
    }
  });
  it('a corrupt stream is a CorruptPixelDataError naming the file', async () => {
    const { encoded, info } = frameOf('SC_rgb_gdcm_KY.dcm');
    const broken = encoded.slice(0, 40);
    await expect(defaultDecoders['jpeg-2000']!(broken, info)).rejects.toThrow(/SC_rgb_gdcm_KY\.dcm/);
  });
});
