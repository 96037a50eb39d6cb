// Test-only: paths of real files from the cached open data (built by `npm run -w @meddiff/imaging setup-data`).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYDICOM_TEST_FILES } from '@meddiff/imaging';
import { openDataFile, resolveCacheDir } from '@meddiff/imaging/node';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { medCDiffConfig, type MedCDiffTask } from '../config';
import { MedCDiffModel } from '../model';
import { randomizeWeights, testModelCard } from '../testing';

export const CACHE_DIR = resolveCacheDir(undefined, dirname(fileURLToPath(import.meta.url)));

/** A DICOM file of pydicom's test data, e.g. MR_small.dcm (64 x 64 MR, 16-bit). */
export function pydicomFile(name: string): string {
  return openDataFile(CACHE_DIR, 'python3-pydicom', join(PYDICOM_TEST_FILES, name));
}

/** dipy's S0_10slices.nii.gz: 10 slices of 128 x 128 b=0 diffusion MRI. */
export function dipyNifti(): string {
  return openDataFile(CACHE_DIR, 'python3-dipy', 'usr/lib/python3/dist-packages/dipy/data/files/S0_10slices.nii.gz');
}

/** The MR sample study's series folder (30 axial Colin27 slices of 217 x 181). */
export function sampleMrSeries(): string {
  return join(CACHE_DIR, 'sample-studies', 'mr-brain-colin27', 'series-1');
}

/** Saves a tiny random-weights model of a task (64 px training size) to a folder, as `train` writes one. */
export async function savedTinyModel(dir: string, task: MedCDiffTask): Promise<string> {
  const model = MedCDiffModel.create(medCDiffConfig(task, 'tiny', { imageSize: 64 }));
  randomizeWeights(model, 3);
  await model.save(fileWeightsStore(dir), { card: testModelCard(task) });
  model.dispose();
  return dir;
}
