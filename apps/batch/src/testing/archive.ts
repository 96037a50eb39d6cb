import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDicomSeries, type Volume } from '@meddiff/imaging';
import { findRepoRoot, readImageFile, resolveCacheDir, uidFromName } from '@meddiff/imaging/node';
import { DicomwebClient, jsonValue, TAG } from '../dicomweb/dicomwebClient.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = findRepoRoot(HERE) ?? join(HERE, '..', '..', '..', '..');
/** The viewer's shipped models: the batch tests run the tiny denoising one. */
export const MODELS_DIR = join(REPO_ROOT, 'apps', 'viewer', 'models');
export const CLI = join(REPO_ROOT, 'apps', 'batch', 'src', 'cli.ts');

export interface TestSeries {
  study: string;
  series: string;
  slices: number;
}

/**
 * `count` small MR series cut from the real Colin27 sample study (set-up builds it): each
 * `slices` slices of a `size` px square at its own place in the head, spread over `studies` studies.
 */
export async function cutTestSeries(count: number, o: { slices: number; size: number; studies: number; tag: string }): Promise<{ series: TestSeries[]; files: Uint8Array[] }> {
  const source = await readImageFile(join(resolveCacheDir(undefined, HERE), 'sample-studies', 'mr-brain-colin27', 'series-1'));
  const [depth, rows, cols] = source.shape;
  const series: TestSeries[] = [];
  const files: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const z0 = (i * 2) % (depth - o.slices);
    const r0 = 40 + ((i * 7) % (rows - o.size - 80));
    const c0 = 30 + ((i * 11) % (cols - o.size - 60));
    const data = new Float32Array(o.slices * o.size * o.size);
    for (let z = 0; z < o.slices; z++) {
      for (let r = 0; r < o.size; r++) {
        const from = (z0 + z) * rows * cols + (r0 + r) * cols + c0;
        data.set(source.data.subarray(from, from + o.size), (z * o.size + r) * o.size);
      }
    }
    const volume: Volume = { ...source, data, shape: [o.slices, o.size, o.size] };
    const study = uidFromName(`${o.tag}/study/${i % o.studies}`);
    const out = writeDicomSeries(volume, {
      sopClass: 'MR',
      modality: 'MR',
      patient: { name: `Batch^Test${i % o.studies}`, id: `BATCH-${i % o.studies}` },
      study: { instanceUID: study, description: 'batch service test' },
      series: { instanceUID: uidFromName(`${o.tag}/series/${i}`), number: i + 1, description: `cut ${i}` },
      sopInstanceUIDs: Array.from({ length: o.slices }, (_, k) => uidFromName(`${o.tag}/series/${i}/${k}`)),
    });
    series.push({ study, series: out.seriesInstanceUID, slices: o.slices });
    files.push(...out.files);
  }
  return { series, files };
}

export interface ArchivedSeries {
  series: string;
  description: string;
  instances: number;
}

/** The series of a study as the archive lists them. */
export async function seriesOf(dicomweb: DicomwebClient, study: string): Promise<ArchivedSeries[]> {
  const found = await dicomweb.search(`studies/${study}/series`, { includefield: `${TAG.seriesDescription},${TAG.numberOfSeriesRelatedInstances}` });
  return found.map((s) => ({ series: jsonValue(s, TAG.seriesInstanceUID)!, description: jsonValue(s, TAG.seriesDescription) ?? '', instances: Number(jsonValue(s, TAG.numberOfSeriesRelatedInstances)) }));
}
