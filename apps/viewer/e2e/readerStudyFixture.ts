import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomSeries, resizeImage, stackSlices, volumeSlice, writeDicomSeries } from '@meddiff/imaging';
import { uidFromName, uploadToOrthanc } from '@meddiff/imaging/node';
import { viewerPaths } from '../src/app/paths.js';
import { SMALL_MR_SIZE } from '../src/data/testStudies.js';

/** A second study for the reader study's study list: 4 more 32 x 32 slices of the sample MR. */
export const READER_STUDY_UID = uidFromName('meddiff viewer reader-study fixture study');
export const READER_SERIES_UID = uidFromName('meddiff viewer reader-study fixture series');
export const READER_SERIES_SLICES = 4;

/** Writes the reader-study fixture (slices other than the test study's small MR) and stores it in Orthanc. */
export async function uploadReaderStudy(orthancUrl: string): Promise<void> {
  const dir = join(viewerPaths().sampleStudies, 'mr-brain-colin27', 'series-1');
  const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
  const { volume } = await readDicomSeries(files);
  const depth = volume.shape[0];
  const picks = [0.3, 0.35, 0.45, 0.55].map((f) => Math.floor(depth * f));
  const stack = stackSlices(picks.map((k) => resizeImage(volumeSlice(volume, k), SMALL_MR_SIZE, SMALL_MR_SIZE, 'area')), volume.source);
  const out = writeDicomSeries(stack, {
    sopClass: 'MR',
    modality: 'MR',
    patient: { name: 'Fixtures^Reader Study', id: 'MEDDIFF-READER', sex: 'O' },
    study: { instanceUID: READER_STUDY_UID, date: '20240103', time: '120000', id: 'READER1', accessionNumber: 'READER1', description: 'Reader study fixture' },
    series: { instanceUID: READER_SERIES_UID, number: 1, description: `MR ${SMALL_MR_SIZE} px reader-study slices (test fixture)` },
    frameOfReferenceUID: uidFromName('meddiff viewer reader-study frame'),
    sopInstanceUIDs: picks.map((_, i) => uidFromName(`meddiff viewer reader-study slice ${i}`)),
    now: new Date(Date.UTC(2024, 0, 3, 12)),
  });
  const tmp = mkdtempSync(join(tmpdir(), 'meddiff-reader-'));
  const paths = out.files.map((bytes, i) => {
    const p = join(tmp, `IM${i + 1}.dcm`);
    writeFileSync(p, bytes);
    return p;
  });
  await uploadToOrthanc(orthancUrl, paths);
}
