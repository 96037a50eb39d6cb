import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDicomSeries, type Volume } from '@meddiff/imaging';

export const STUDY_UID = '1.2.826.0.1.3680043.8.498.100';
export const SERIES_UID = '1.2.826.0.1.3680043.8.498.101';

/** A small CT series (4 slices of 6 x 5, known HU values) written as Part-10 files into a new temp folder. */
export function writeFixtureSeries(): { dir: string; files: string[]; volume: Volume; sopUIDs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-viewer-'));
  const [depth, rows, cols] = [4, 6, 5];
  const data = new Float32Array(depth * rows * cols).map((_, i) => -1000 + 7 * i);
  const volume: Volume = {
    data,
    shape: [depth, rows, cols],
    geometry: { spacing: [0.8, 0.8, 2], origin: [-10, -20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    modality: 'CT',
    source: { format: 'array', files: [] },
  };
  const sopUIDs = Array.from({ length: depth }, (_, k) => `1.2.826.0.1.3680043.8.498.${200 + k}`);
  const out = writeDicomSeries(volume, {
    sopClass: 'CT',
    patient: { name: 'Fixture^Patient', id: 'FIX-1', sex: 'O' },
    study: { instanceUID: STUDY_UID, date: '20240315', description: 'Fixture study' },
    series: { instanceUID: SERIES_UID, number: 2, description: 'Fixture series' },
    sopInstanceUIDs: sopUIDs,
  });
  mkdirSync(join(dir, 'series'));
  const files = out.files.map((bytes, k) => {
    const f = join(dir, 'series', `IM${k}.dcm`);
    writeFileSync(f, bytes);
    return f;
  });
  writeFileSync(join(dir, 'series', 'README.txt'), 'not DICOM');
  return { dir, files, volume, sopUIDs };
}
