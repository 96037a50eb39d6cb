import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PYDICOM_TEST_FILES } from '@meddiff/imaging';
import { openDataFile, resolveCacheDir } from '@meddiff/imaging/node';
import { REPO_ROOT } from './workspace.js';

/** pydicom's MR_small.dcm (64 x 64 MR) from the open data scripts/setup.sh caches. */
export function mrSmall(): string {
  return openDataFile(resolveCacheDir(undefined, REPO_ROOT), 'python3-pydicom', join(PYDICOM_TEST_FILES, 'MR_small.dcm'));
}

/** The same slice stored as JPEG 2000 (lossless): a compressed file, decoded by imaging's OpenJPEG build. */
export function mrSmallJ2k(): string {
  return openDataFile(resolveCacheDir(undefined, REPO_ROOT), 'python3-pydicom', join(PYDICOM_TEST_FILES, 'MR_small_jp2klossless.dcm'));
}

/** The small models the viewer ships (in git): what an adopter's model folder looks like. */
export const SHIPPED_MODELS = join(REPO_ROOT, 'apps', 'viewer', 'models');
export const DENOISING_MODEL = join(SHIPPED_MODELS, 'med-cdiff-denoising-tiny');
export const CDM_MODEL = join(SHIPPED_MODELS, 'cdm-t1-t2-to-flair-pd-small-64px');

/** The prebuilt OHIF 3.13.2 app apps/viewer unpacks into the cache (scripts/setup.sh): an existing deployment. */
export function prebuiltOhifApp(): string {
  const dist = join(resolveCacheDir(undefined, REPO_ROOT), 'ohif-app', '3.13.2', 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`no prebuilt OHIF app in ${dist}: run scripts/setup.sh (npm run prepare-viewer -w apps/viewer fetches it)`);
  return dist;
}
