import { readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDicom, readDicomSeries, type NamedBytes, writeDicomSeries, type Volume } from '@meddiff/imaging';
import { writeFixtureSeries } from '../testing/fixtures.js';
import { writeShiftedSeries } from './shiftedSeries.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): { files: NamedBytes[]; volume: Volume } {
  const f = writeFixtureSeries();
  dirs.push(f.dir);
  return { files: f.files.map((name) => ({ name, bytes: new Uint8Array(readFileSync(name)) })), volume: f.volume };
}

const OPTIONS = {
  rowShiftMm: 6,
  seriesInstanceUID: '1.2.826.0.1.3680043.8.498.900',
  seriesNumber: 12,
  description: 'shifted copy',
  sopInstanceUIDs: ['1.2.826.0.1.3680043.8.498.901', '1.2.826.0.1.3680043.8.498.902', '1.2.826.0.1.3680043.8.498.903', '1.2.826.0.1.3680043.8.498.904'],
  now: new Date(Date.UTC(2024, 0, 2, 12)),
};

describe('writeShiftedSeries', () => {
  it('moves every slice along the row direction and keeps pixels, patient, study and frame of reference', async () => {
    const { files } = fixture();
    const source = await readDicomSeries(files);
    const out = await writeShiftedSeries(files, OPTIONS);
    expect(out).toHaveLength(4);
    const copy = await readDicomSeries(out.map((bytes, k) => ({ name: `copy-${k}.dcm`, bytes })));
    const [sg, cg] = [source.volume.geometry, copy.volume.geometry];
    // The fixture's rows run along +x: the origin moves 6 mm in x, nothing else changes.
    expect(cg.origin[0]).toBeCloseTo(sg.origin[0] + 6, 4);
    expect(cg.origin[1]).toBeCloseTo(sg.origin[1], 4);
    expect(cg.origin[2]).toBeCloseTo(sg.origin[2], 4);
    expect(cg.direction).toEqual(sg.direction);
    expect(cg.spacing).toEqual(sg.spacing);
    expect(Array.from(copy.volume.data)).toEqual(Array.from(source.volume.data));
    expect(copy.volume.frameOfReferenceUID).toBe(source.volume.frameOfReferenceUID);
    const a = source.volume.source.dicomAttributes!;
    const b = copy.volume.source.dicomAttributes!;
    for (const k of ['PatientName', 'PatientID', 'PatientSex', 'StudyInstanceUID', 'StudyDate', 'StudyDescription', 'Modality']) expect(b[k], k).toEqual(a[k]);
    expect(b['SeriesInstanceUID']).toBe(OPTIONS.seriesInstanceUID);
    expect(b['SeriesDescription']).toBe('shifted copy');
    expect(copy.volume.source.dicom!.map((r) => r.sopInstanceUID)).toEqual(OPTIONS.sopInstanceUIDs);
  });

  it('shifts along an oblique row direction, not along x', async () => {
    const c = Math.SQRT1_2;
    const volume: Volume = {
      data: new Float32Array(2 * 3 * 4).map((_, i) => 100 + i),
      shape: [2, 3, 4],
      geometry: { spacing: [1, 1, 2], origin: [5, 6, 7], direction: [c, c, 0, -c, c, 0, 0, 0, 1] },
      modality: 'MR',
      source: { format: 'array', files: [] },
    };
    const written = writeDicomSeries(volume, { sopClass: 'MR', study: { instanceUID: '1.2.3' }, series: { instanceUID: '1.2.3.1' }, frameOfReferenceUID: '1.2.3.9', sopInstanceUIDs: ['1.2.3.1.1', '1.2.3.1.2'] });
    const out = await writeShiftedSeries(written.files.map((bytes, k) => ({ name: `s${k}.dcm`, bytes })), { ...OPTIONS, sopInstanceUIDs: ['1.2.3.2.1', '1.2.3.2.2'] });
    const ipp = (parseDicom(out[1]!).dataset['ImagePositionPatient'] as unknown[]).map(Number);
    // Slice 1 sits at origin + 2 mm in z; the shift adds 6 mm along (c, c, 0).
    expect(ipp[0]).toBeCloseTo(5 + 6 * c, 3);
    expect(ipp[1]).toBeCloseTo(6 + 6 * c, 3);
    expect(ipp[2]).toBeCloseTo(9, 3);
  });

  it('refuses a series that is not MR or CT', async () => {
    const volume: Volume = { data: new Float32Array(4), shape: [1, 2, 2], geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, modality: 'OT', source: { format: 'array', files: [] } };
    const { files } = writeDicomSeries(volume, { sopClass: 'SC' });
    await expect(writeShiftedSeries([{ name: 'sc.dcm', bytes: files[0]! }], { ...OPTIONS, sopInstanceUIDs: ['1.2.3.4'] })).rejects.toThrow(/MR or CT/);
  });
});
