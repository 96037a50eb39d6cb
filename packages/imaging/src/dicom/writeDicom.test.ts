import { describe, expect, it } from 'vitest';
import { pydicomBytes } from '../testing/openData.js';
import { readDicom } from './readDicom.js';
import { readDicomSeries } from './readSeries.js';
import { writeDicomSeries } from './writeDicom.js';
import { RESEARCH_LABEL, writeDerivedSeries, writeSpreadSeries } from './writeDerived.js';
import { HEAT_PALETTE } from './palette.js';
import { parseDicom } from './parseDicom.js';
import { isValidUid } from './uid.js';
import { items } from './datasetValues.js';
import type { Volume } from '../image.js';
import { dciodvfy } from '../node/dciodvfy.js';

function volumeOf(data: Float32Array, shape: [number, number, number]): Volume {
  return {
    data,
    shape,
    geometry: { spacing: [0.7, 0.8, 2.5], origin: [-100, -120.5, 33], direction: [0.96, 0.28, 0, -0.28, 0.96, 0, 0, 0, 1] },
    modality: 'MR',
    source: { format: 'array', files: [] },
  };
}

describe('writeDicomSeries then readDicomSeries', () => {
  it('integer data (HU) round-trips exactly, with geometry', async () => {
    const d = new Float32Array(3 * 5 * 4).map((_, i) => (i * 37) % 2000 - 1024);
    const vol = { ...volumeOf(d, [3, 5, 4]), modality: 'CT' };
    const { files, seriesInstanceUID } = writeDicomSeries(vol, { sopClass: 'CT', series: { description: 'test' } });
    expect(files).toHaveLength(3);
    for (const f of files) expect(dciodvfy(f).errors).toEqual([]);
    // Shuffle: the reader must sort by position, not by file order.
    const { volume, skipped } = await readDicomSeries([files[2]!, files[0]!, files[1]!].map((b, i) => ({ name: `f${i}.dcm`, bytes: b })));
    expect(skipped).toEqual([]);
    expect(Array.from(volume.data)).toEqual(Array.from(d));
    expect(volume.shape).toEqual([3, 5, 4]);
    for (let i = 0; i < 3; i++) {
      expect(volume.geometry.spacing[i]).toBeCloseTo(vol.geometry.spacing[i]!, 6);
      expect(volume.geometry.origin[i]).toBeCloseTo(vol.geometry.origin[i]!, 6);
    }
    for (let i = 0; i < 9; i++) expect(volume.geometry.direction[i]).toBeCloseTo(vol.geometry.direction[i]!, 6);
    expect(volume.source.dicomAttributes?.['SeriesInstanceUID']).toBe(seriesInstanceUID);
    expect(isValidUid(seriesInstanceUID)).toBe(true);
  });

  it('float data keeps its range within one quantisation step (int16 + rescale)', async () => {
    const d = new Float32Array(2 * 8 * 8).map((_, i) => Math.sin(i) * 0.731 + 0.2);
    const { files } = writeDicomSeries(volumeOf(d, [2, 8, 8]), { sopClass: 'MR' });
    const { volume } = await readDicomSeries(files.map((b, i) => ({ name: `${i}`, bytes: b })));
    const step = (Math.max(...d) - Math.min(...d)) / 65534;
    d.forEach((x, i) => expect(Math.abs(volume.data[i]! - x)).toBeLessThanOrEqual(step * 0.51 + 1e-7));
  });
});

describe('dciodvfy', () => {
  it('reports an instance that breaks its IOD (an MR dataset labelled CT Image Storage)', () => {
    const vol = volumeOf(new Float32Array(16).fill(3), [1, 4, 4]);
    const { files } = writeDicomSeries(vol, { sopClass: 'MR', extraAttributes: { SOPClassUID: '1.2.840.10008.5.1.4.1.1.2' } });
    expect(dciodvfy(files[0]!).errors.length).toBeGreaterThan(0);
  });
});

describe('writeDerivedSeries', () => {
  it('a super-resolved CT_small: same study, patient, frame of reference; new UIDs; sizes and spacing follow the result', async () => {
    const src = await readDicom(pydicomBytes('CT_small.dcm'), { file: 'CT_small.dcm' });
    // A 2x "super-resolved" image: 256x256 at half the pixel spacing.
    const [, rows, cols] = src.shape;
    const data = new Float32Array(4 * rows * cols);
    for (let j = 0; j < 2 * rows; j++) for (let i = 0; i < 2 * cols; i++) data[j * 2 * cols + i] = src.data[(j >> 1) * cols + (i >> 1)]!;
    const sr: Volume = { ...src, data, shape: [1, 2 * rows, 2 * cols], geometry: { ...src.geometry, spacing: [src.geometry.spacing[0] / 2, src.geometry.spacing[1] / 2, src.geometry.spacing[2]] } };
    const out = writeDerivedSeries(sr, src, { description: 'Med-cDiff super-resolution x2 (test)', seriesLabel: 'SR x2' });
    expect(dciodvfy(out.files[0]!).errors).toEqual([]);
    const { dataset: ds } = parseDicom(out.files[0]!);
    const { dataset: orig } = parseDicom(pydicomBytes('CT_small.dcm'));
    expect(ds['StudyInstanceUID']).toBe(orig['StudyInstanceUID']);
    expect(ds['PatientID']).toBe(orig['PatientID']);
    expect(ds['FrameOfReferenceUID']).toBe(orig['FrameOfReferenceUID']);
    expect(ds['SeriesInstanceUID']).not.toBe(orig['SeriesInstanceUID']);
    expect(ds['SOPInstanceUID']).not.toBe(orig['SOPInstanceUID']);
    expect(ds['SOPClassUID']).toBe(orig['SOPClassUID']);
    expect((ds['ImageType'] as string[]).slice(0, 2)).toEqual(['DERIVED', 'SECONDARY']);
    expect(ds['Rows']).toBe(256);
    expect(ds['Columns']).toBe(256);
    expect(Number((ds['PixelSpacing'] as string[])[0])).toBeCloseTo(0.661468 / 2, 6);
    expect(String(ds['SeriesDescription'])).toMatch(new RegExp(`^${RESEARCH_LABEL}`));
    expect(String(ds['ImageComments'])).toMatch(/Research use only/);
    expect(String(ds['DerivationDescription'])).toContain('super-resolution');
    const sis = items(ds, 'SourceImageSequence');
    expect(sis).toHaveLength(1);
    expect(sis[0]!['ReferencedSOPInstanceUID']).toBe(orig['SOPInstanceUID']);
    expect(sis[0]!['ReferencedSOPClassUID']).toBe(orig['SOPClassUID']);
    // Read back: same pixels, same position.
    const back = await readDicom(out.files[0]!);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    back.geometry.origin.forEach((x, i) => expect(x).toBeCloseTo(src.geometry.origin[i]!, 4));
  });

  it('writes the UIDs it is given, so that writing the same result twice gives the same series; refuses malformed ones', async () => {
    const src = await readDicom(pydicomBytes('CT_small.dcm'));
    const uids = { series: '2.25.1234', instances: ['2.25.5678'] };
    const a = writeDerivedSeries(src, src, { description: 'denoising (test)', uids });
    const b = writeDerivedSeries(src, src, { description: 'denoising (test)', uids });
    for (const out of [a, b]) {
      const { dataset: ds } = parseDicom(out.files[0]!);
      expect(ds['SeriesInstanceUID']).toBe('2.25.1234');
      expect(ds['SOPInstanceUID']).toBe('2.25.5678');
    }
    expect(() => writeDerivedSeries(src, src, { description: 'x', uids: { series: '2.25.1', instances: [] } })).toThrow(/0 UIDs for 1 slices/);
    expect(() => writeDerivedSeries(src, src, { description: 'x', uids: { series: '2.25.01', instances: ['2.25.2'] } })).toThrow(/'2\.25\.01' is not a DICOM UID/);
  });

  it('Secondary Capture on request', async () => {
    const src = await readDicom(pydicomBytes('CT_small.dcm'));
    const out = writeDerivedSeries(src, src, { description: 'inpainting (test)', sopClass: 'SC' });
    // Secondary Capture: PatientOrientation from the axial plane, RescaleType for its Modality LUT.
    expect(dciodvfy(out.files[0]!).errors).toEqual([]);
    const { dataset } = parseDicom(out.files[0]!);
    expect(dataset['PatientOrientation']).toEqual(['L', 'P']);
    expect(dataset['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(dataset['ConversionType']).toBe('WSD');
    expect(dataset['Modality']).toBe('CT');
    expect(Array.from((await readDicom(out.files[0]!)).data)).toEqual(Array.from(src.data));
  });

  it('an MR source keeps MR Image Storage', async () => {
    const src = await readDicom(pydicomBytes('MR_small.dcm'));
    const out = writeDerivedSeries(src, src, { description: 'denoising (test)' });
    expect(dciodvfy(out.files[0]!).errors).toEqual([]);
    const { dataset } = parseDicom(out.files[0]!);
    expect(dataset['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.4');
    expect(Array.from((await readDicom(out.files[0]!)).data)).toEqual(Array.from(src.data));
  });

  it('a spread series is palette colour Secondary Capture on the source planes: valid, referencing its sources, its scale in ImageComments', async () => {
    const src = await readDicom(pydicomBytes('MR_small.dcm'));
    const [, rows, cols] = src.shape;
    // A spread that rises along each row from 0 to 2, with one outlier that the scale must not follow.
    const data = new Float32Array(rows * cols);
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) data[j * cols + i] = (2 * i) / (cols - 1);
    data[0] = 1000;
    const out = writeSpreadSeries({ ...src, data }, src, { description: 'denoising (test)', seriesLabel: 'denoised SD', samples: 4 });
    expect(dciodvfy(out.files[0]!).errors).toEqual([]);
    const { dataset: ds } = parseDicom(out.files[0]!);
    const { dataset: orig } = parseDicom(pydicomBytes('MR_small.dcm'));
    expect(ds['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(ds['Modality']).toBe('MR');
    expect(ds['PhotometricInterpretation']).toBe('PALETTE COLOR');
    expect([ds['BitsAllocated'], ds['BitsStored'], ds['PixelRepresentation']]).toEqual([8, 8, 0]);
    expect(ds['RedPaletteColorLookupTableDescriptor']).toEqual([256, 0, 16]);
    expect(ds['ImagePositionPatient']).toEqual(orig['ImagePositionPatient']);
    expect(ds['FrameOfReferenceUID']).toBe(orig['FrameOfReferenceUID']);
    expect(items(ds, 'SourceImageSequence')[0]!['ReferencedSOPInstanceUID']).toBe(orig['SOPInstanceUID']);
    expect(String(ds['SeriesDescription'])).toMatch(/^RESEARCH ONLY denoised SD/);
    expect(ds['RescaleSlope']).toBeUndefined();
    // The scale is the 99.5th percentile (about 2), not the outlier; its colours are the palette's.
    const comments = String(ds['ImageComments']);
    expect(comments).toMatch(/standard deviation over 4 samples/);
    const top = Number(/from 0 \(black\) to ([\d.]+) or more \(white\)/.exec(comments)![1]);
    expect(top).toBeGreaterThan(1.9);
    expect(top).toBeLessThanOrEqual(2);
    const indices = new Uint8Array((ds['PixelData'] as ArrayBuffer[])[0]!, 0, rows * cols);
    expect(indices[0]).toBe(255);
    expect(indices[cols]).toBe(0);
    expect(indices[cols - 1]).toBe(255);
    const mid = Math.round((cols - 1) / 2);
    expect(Math.abs(indices[mid]! - (255 * data[mid]!) / top)).toBeLessThanOrEqual(1);
    const lut = ds['RedPaletteColorLookupTableData'] as ArrayBuffer | ArrayBuffer[];
    const red = new Uint16Array(Array.isArray(lut) ? lut[0]! : lut);
    expect(Array.from(red)).toEqual(Array.from(HEAT_PALETTE.red));
  });

  it('refuses a palette for an MR or CT image', async () => {
    const src = await readDicom(pydicomBytes('MR_small.dcm'));
    expect(() => writeDicomSeries(src, { sopClass: 'MR', palette: { colors: HEAT_PALETTE, range: [0, 1] } })).toThrow(/must be Secondary Capture/);
  });
});
