import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/pydicom-reference.json' with { type: 'json' };
import { pydicomBytes } from '../testing/openData.js';
import { readDicom } from './readDicom.js';
import dcmjs from 'dcmjs';
import { ColourImageError, MissingPixelDataError, NotDicomError, UnsupportedTransferSyntaxError, CorruptPixelDataError, ResourceLimitError } from '../errors.js';

interface RefEntry {
  frames: number;
  rows: number;
  cols: number;
  min: number;
  max: number;
  sum: number;
  pixels: Record<string, [number[], number[]]>;
  ImagePositionPatient?: number[];
  ImageOrientationPatient?: number[];
  PixelSpacing?: number[];
}
const ref = reference.files as unknown as Record<string, RefEntry | { error: string }>;

function stats(d: Float32Array) {
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of d) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, sum };
}

const GREY_FILES = [
  'CT_small.dcm', 'MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_implicit.dcm', 'MR_small_padded.dcm',
  'MR_small_RLE.dcm', 'rtdose.dcm', 'rtdose_1frame.dcm', 'rtdose_expb.dcm', 'rtdose_rle.dcm', 'rtdose_rle_1frame.dcm',
  'image_dfl.dcm', 'liver_1frame.dcm', 'liver_expb_1frame.dcm', '693_J2KI.dcm', 'JPEG2000.dcm',
];

describe('readDicom against pydicom 2.3 on its own test files', () => {
  for (const name of GREY_FILES) {
    it(`${name}: values after the modality LUT match pydicom`, async () => {
      const r = ref[name] as RefEntry;
      const vol = await readDicom(pydicomBytes(name), { file: name });
      expect(vol.shape).toEqual([r.frames, r.rows, r.cols]);
      const s = stats(vol.data);
      expect(s.min).toBe(r.min);
      expect(s.max).toBe(r.max);
      expect(s.sum).toBeCloseTo(r.sum, -Math.ceil(Math.log10(Math.abs(r.sum) + 1)) + 7);
      const n = r.rows * r.cols;
      // Frames may be reordered along the normal; pydicom keeps file order. Check frames by content.
      for (const [i, [first, last]] of Object.entries(r.pixels)) {
        const idx = Number(i);
        const values = Array.from({ length: r.frames }, (_, k) => vol.data[k * n + idx]);
        expect(values).toContain(first[0]);
        expect(values).toContain(last[0]);
      }
      if (r.ImagePositionPatient && r.frames === 1) {
        vol.geometry.origin.forEach((x, a) => expect(x).toBeCloseTo(r.ImagePositionPatient![a]!, 4));
      }
      if (r.PixelSpacing) {
        expect(vol.geometry.spacing[1]).toBeCloseTo(r.PixelSpacing[0]!, 6);
        expect(vol.geometry.spacing[0]).toBeCloseTo(r.PixelSpacing[1]!, 6);
      }
      if (r.ImageOrientationPatient) {
        for (let a = 0; a < 6; a++) expect(vol.geometry.direction[a]).toBeCloseTo(r.ImageOrientationPatient[a]!, 4);
      }
    });
  }

  it('lossless compressed MR_small variants decode to exactly the uncompressed pixels', async () => {
    const plain = await readDicom(pydicomBytes('MR_small.dcm'));
    for (const name of ['MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm']) {
      const v = await readDicom(pydicomBytes(name), { file: name });
      expect(Array.from(v.data), name).toEqual(Array.from(plain.data));
      expect(v.geometry).toEqual(plain.geometry);
    }
  });

  it('applies RescaleIntercept exactly once (CT_small: stored + (-1024))', async () => {
    const v = await readDicom(pydicomBytes('CT_small.dcm'));
    const r = ref['CT_small.dcm'] as RefEntry;
    expect(v.modality).toBe('CT');
    expect(v.data[0]).toBe(r.pixels['0']![0][0]);
    expect(v.source.dicomAttributes?.['RescaleIntercept']).toBeUndefined();
    expect(v.frameOfReferenceUID).toMatch(/^[0-9.]+$/);
  });

  it('multi-frame RT dose gets one slice per frame, positions from GridFrameOffsetVector', async () => {
    const v = await readDicom(pydicomBytes('rtdose.dcm'));
    expect(v.shape).toEqual([15, 10, 10]);
    expect(v.geometry.spacing[2]).toBeGreaterThan(0);
    expect(v.source.dicom?.map((d) => d.frameNumber)).toHaveLength(15);
  });

  it('reads datasets without the Part-10 header (explicit and implicit VR)', async () => {
    const plain = await readDicom(pydicomBytes('MR_small.dcm'));
    for (const name of ['MR_small.dcm', 'MR_small_implicit.dcm']) {
      const b = pydicomBytes(name);
      // Strip preamble, "DICM" and the group-2 file meta (its length is the value of (0002,0000)).
      const metaLen = new DataView(b.buffer, b.byteOffset).getUint32(132 + 8, true);
      const raw = b.slice(132 + 12 + metaLen);
      const v = await readDicom(raw, { file: `${name} without header` });
      expect(Array.from(v.data), name).toEqual(Array.from(plain.data));
    }
  });
});

describe('readDicom errors name the file and the problem', () => {
  it('not DICOM', async () => {
    const err = await readDicom(new TextEncoder().encode('hello, this is not a medical image '.repeat(10)), { file: 'notes.txt' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotDicomError);
    expect((err as Error).message).toContain('notes.txt');
    // pydicom's no_meta.dcm starts one byte off (a stray 0x20 before the first tag): not readable.
    expect(await readDicom(pydicomBytes('no_meta.dcm')).catch((e: unknown) => e)).toBeInstanceOf(NotDicomError);
  });
  it('unsupported transfer syntax (12-bit JPEG Extended)', async () => {
    const err = await readDicom(pydicomBytes('JPGExtended.dcm'), { file: 'JPGExtended.dcm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedTransferSyntaxError);
    expect((err as UnsupportedTransferSyntaxError).transferSyntaxUID).toBe('1.2.840.10008.1.2.4.51');
    expect((err as Error).message).toContain('JPGExtended.dcm');
    expect((err as Error).message).toContain('JPEG Extended');
  });
  it('colour where grey is needed', async () => {
    for (const name of ['SC_rgb_rle.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'ExplVR_BigEnd.dcm']) {
      const err = await readDicom(pydicomBytes(name), { file: name }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ColourImageError);
      expect((err as Error).message).toContain(name);
    }
  });
  it('missing pixel data (a structured report, an RT plan)', async () => {
    for (const name of ['test-SR.dcm', 'rtplan.dcm']) {
      const err = await readDicom(pydicomBytes(name), { file: name }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(MissingPixelDataError);
    }
  });
  it('a header claiming more pixels than the limits is refused before any frame is decoded', async () => {
    const bytes = pydicomBytes('MR_small_RLE.dcm');
    const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    dict.dict['00280010'] = { vr: 'US', Value: [60000] };
    dict.dict['00280011'] = { vr: 'US', Value: [60000] };
    const claimed = new Uint8Array(dict.write());
    await expect(readDicom(claimed, { file: 'big.dcm' })).rejects.toThrow(ResourceLimitError);
    await expect(readDicom(claimed, { file: 'big.dcm' })).rejects.toThrow(/^big\.dcm: Rows in the header is 60,000, more than the maxDimension limit of 8,192/);
    await expect(readDicom(claimed, { file: 'big.dcm', limits: { maxDimension: 65535 } })).rejects.toThrow(/maxVoxels limit/);
    await expect(readDicom(pydicomBytes('MR_small.dcm'), { limits: { maxVoxels: 100 } })).rejects.toThrow(expect.objectContaining({ code: 'RESOURCE_LIMIT', limit: 'maxVoxels' }));
  });

  it('truncated pixel data', async () => {
    const err = await readDicom(pydicomBytes('MR_truncated.dcm'), { file: 'MR_truncated.dcm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptPixelDataError);
    expect((err as Error).message).toContain('MR_truncated.dcm');
  });
});
