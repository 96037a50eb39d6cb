import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCacheDir } from '@meddiff/imaging/node';

/** This app's folder (apps/viewer), found from this file so commands work from any working directory. */
export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The version of the prebuilt OHIF app the extension is built and tested against. */
export const OHIF_APP_VERSION = '3.13.2';

export interface ViewerPaths {
  cacheDir: string;
  /** The unpacked `dist/` of @ohif/app. */
  ohifDist: string;
  /** Sample studies written by @meddiff/imaging. */
  sampleStudies: string;
  /** The simulated multi-contrast brain study written by @meddiff/cdm (T1, T2, PD, FLAIR). */
  simulatedStudies: string;
  /** Weights served under /models/ (with index.json). */
  models: string;
  /** Instances received by STOW-RS on the embedded server. */
  stowStore: string;
  /** Orthanc's database and configuration. */
  orthanc: string;
}

export function viewerPaths(cacheDir: string = resolveCacheDir(undefined, APP_DIR)): ViewerPaths {
  return {
    cacheDir,
    ohifDist: join(cacheDir, 'ohif-app', OHIF_APP_VERSION, 'dist'),
    sampleStudies: join(cacheDir, 'sample-studies'),
    simulatedStudies: join(cacheDir, 'sample-studies-cdm'),
    models: join(cacheDir, 'viewer', 'models'),
    stowStore: join(cacheDir, 'viewer', 'stow'),
    orthanc: join(cacheDir, 'orthanc'),
  };
}
