import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchCache } from '../testing/openData.js';
import { writeSampleStudies } from './sampleStudies.js';
import { readDicomFolder } from './files.js';
import { parseDicom } from '../dicom/parseDicom.js';

const cache = scratchCache();
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('sample studies', () => {
  it('writes an MR and a CT study with a proper hierarchy and geometry, deterministically', async () => {
    const { dir, index, built } = writeSampleStudies(cache, { slices: 12 });
    expect(built).toBe(true);
    expect(index.studies.map((s) => s.modality)).toEqual(['MR', 'CT']);
    const uids = new Set<string>();
    for (const s of index.studies) {
      const res = await readDicomFolder(join(dir, s.folder));
      expect(res.skipped).toEqual([]);
      expect(res.series).toHaveLength(1);
      const v = res.series[0]!.volume;
      expect(v.shape[0]).toBe(12);
      expect(v.geometry.spacing[2]).toBeGreaterThan(1);
      const files = readdirSync(join(dir, s.folder)).sort();
      const first = parseDicom(new Uint8Array(readFileSync(join(dir, s.folder, files[0]!)))).dataset;
      expect(first['StudyInstanceUID']).toBe(s.studyInstanceUID);
      expect(first['SeriesInstanceUID']).toBe(s.seriesInstanceUID);
      expect(first['PatientID']).toBe(s.patientID);
      for (const f of files) uids.add(String(parseDicom(new Uint8Array(readFileSync(join(dir, s.folder, f)))).dataset['SOPInstanceUID']));
    }
    expect(uids.size).toBe(24);
    const ct = (await readDicomFolder(join(dir, index.studies[1]!.folder))).series[0]!.volume;
    expect(Math.min(...ct.data.subarray(0, 5000))).toBe(-1024); // HU kept exactly
    const again = writeSampleStudies(cache, { slices: 12, force: true });
    expect(again.index.studies.map((s) => s.studyInstanceUID)).toEqual(index.studies.map((s) => s.studyInstanceUID));
    expect(writeSampleStudies(cache, { slices: 12 }).built).toBe(false);
  });
});
