import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulatedModality } from '@meddiff/cdm';
import { writeSimulatedBrainStudy, type SimulatedStudyIndex } from '@meddiff/cdm/node';

/** The contrasts the viewer's simulated study holds, one series each, in series-number order. */
export const SIMULATED_CONTRASTS = ['T1', 'T2', 'PD', 'FLAIR'] as const satisfies readonly SimulatedModality[];
export type SimulatedContrast = (typeof SIMULATED_CONTRASTS)[number];

/** One series of the simulated study. */
export interface SimulatedSeries {
  seriesInstanceUID: string;
  /** Its folder of Part-10 files. */
  dir: string;
  description: string;
  instances: number;
}

/** The simulated multi-contrast brain study as the viewer serves it. */
export interface SimulatedStudy {
  /** The folder served (holds index.json and one sub-folder per series). */
  dir: string;
  studyInstanceUID: string;
  frameOfReferenceUID: string;
  series: Readonly<Record<SimulatedContrast, SimulatedSeries>>;
  /** Changes whenever the study's files do (the writer's cache key). */
  key: string;
}

/** The simulated study's folder has no index.json, or one without the contrasts the viewer needs. */
export class SimulatedStudyMissingError extends Error {
  override readonly name = 'SimulatedStudyMissingError';
}

function fromIndex(dir: string, index: SimulatedStudyIndex): SimulatedStudy {
  const series = {} as Record<SimulatedContrast, SimulatedSeries>;
  for (const c of SIMULATED_CONTRASTS) {
    const s = index.series.find((x) => x.contrast === c);
    if (!s) throw new SimulatedStudyMissingError(`the simulated study in ${dir} has no ${c} series (it has ${index.series.map((x) => x.contrast).join(', ')}); run the viewer's prepare step (npm run prepare-viewer -w apps/viewer) to rewrite it`);
    series[c] = { seriesInstanceUID: s.seriesInstanceUID, dir: join(dir, s.folder), description: s.description, instances: s.instances };
  }
  return { dir, studyInstanceUID: index.studyInstanceUID, frameOfReferenceUID: index.frameOfReferenceUID, series, key: index.key };
}

/**
 * Writes the simulated multi-contrast brain study (T1, T2, PD, FLAIR rendered by @meddiff/cdm from
 * Colin27's anatomy; co-registered, deterministic UIDs) into `dir`, or leaves it when it is up to
 * date, and describes it. Needs the open-data cache (`scripts/setup.sh`).
 */
export function ensureSimulatedStudy(cacheDir: string, dir: string, log: (m: string) => void = () => undefined): SimulatedStudy {
  const { index } = writeSimulatedBrainStudy({ cacheDir, outDir: dir, modalities: [...SIMULATED_CONTRASTS], log });
  return fromIndex(dir, index);
}

/** Reads the description of a simulated study already written by `ensureSimulatedStudy` (for tests). */
export function readSimulatedStudy(dir: string): SimulatedStudy {
  const file = join(dir, 'index.json');
  if (!existsSync(file)) throw new SimulatedStudyMissingError(`the simulated study is missing in ${dir}; run the viewer's prepare step (npm run prepare-viewer -w apps/viewer)`);
  return fromIndex(dir, JSON.parse(readFileSync(file, 'utf8')) as SimulatedStudyIndex);
}
