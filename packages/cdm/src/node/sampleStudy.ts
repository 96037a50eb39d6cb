import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexToWorld, writeDicomSeries, type Volume } from '@meddiff/imaging';
import { resolveCacheDir, uidFromName } from '@meddiff/imaging/node';
import type { SimulatedModality } from '../modalities';
import { chooseAnatomySlices } from '../simulate/anatomy';
import { simulateSlice } from '../simulate/render';
import { CONTRAST_PRESETS } from '../simulate/sequences';
import { drawVirtualSubject } from '../simulate/virtualSubject';
import { loadAnatomy } from './anatomySources';

const STUDY_VERSION = 1;

export interface SimulatedStudyOptions {
  /** Default: $MEDDIFF_CACHE, else <repo>/.cache. */
  cacheDir?: string;
  /** Default <cache>/sample-studies-cdm. */
  outDir?: string;
  /** Axial slices per series (evenly spaced over the brain). Default 24. */
  slices?: number;
  /** Contrasts, one series each. Default T1, T2, PD, FLAIR. */
  modalities?: SimulatedModality[];
  /** Seed of the virtual subject (tissue properties, noise, bias). Default 0. */
  seed?: number;
  force?: boolean;
  log?: (message: string) => void;
}

export interface SimulatedStudyIndex {
  version: number;
  key: string;
  studyInstanceUID: string;
  frameOfReferenceUID: string;
  patientID: string;
  description: string;
  series: Array<{ folder: string; contrast: SimulatedModality; seriesInstanceUID: string; seriesNumber: number; description: string; instances: number; rows: number; cols: number }>;
}

const STUDY_KEY = 'mr-brain-simulated-multicontrast';

/**
 * Writes a simulated multi-contrast brain study for the viewer: one series per contrast (T1, T2,
 * PD, FLAIR by default) rendered from Colin27's anatomy at its 1 mm grid for one virtual subject,
 * all sharing one Study, one FrameOfReferenceUID and identical geometry (the same slices), so the
 * series are co-registered as the "Translate contrast" task needs. Deterministic UIDs; cached:
 * does nothing when the index records the same options. Layout:
 * `<out>/mr-brain-simulated-multicontrast/series-<n>-<contrast>/IM0001.dcm ...` and `<out>/index.json`.
 */
export function writeSimulatedBrainStudy(options: SimulatedStudyOptions = {}): { dir: string; index: SimulatedStudyIndex; built: boolean } {
  const log = options.log ?? (() => undefined);
  const cacheDir = resolveCacheDir(options.cacheDir);
  const dir = options.outDir ?? join(cacheDir, 'sample-studies-cdm');
  const slices = options.slices ?? 24;
  const modalities = options.modalities ?? ['T1', 'T2', 'PD', 'FLAIR'];
  const seed = options.seed ?? 0;
  const key = `v${STUDY_VERSION}-${slices}-${modalities.join(',')}-${seed}`;
  const indexPath = join(dir, 'index.json');
  if (!options.force && existsSync(indexPath)) {
    const old = JSON.parse(readFileSync(indexPath, 'utf8')) as SimulatedStudyIndex;
    if (old.key === key) {
      log(`simulated study is up to date in ${dir}`);
      return { dir, index: old, built: false };
    }
  }
  const { anatomy, provenance } = loadAnatomy('colin27', cacheDir);
  const all = chooseAnatomySlices(anatomy, anatomy.depth, 0.3);
  // An even step keeps the series evenly spaced, as a scanner's would be.
  const step = Math.max(1, Math.floor((all[all.length - 1]! - all[0]!) / Math.max(1, slices - 1)));
  const ks = Array.from({ length: Math.min(slices, Math.floor((all[all.length - 1]! - all[0]!) / step) + 1) }, (_, t) => all[0]! + t * step);
  const [rows, cols] = anatomy.sliceShape;
  const subject = drawVirtualSubject(seed);
  const rendered = modalities.map(() => new Float32Array(ks.length * rows * cols));
  ks.forEach((k, t) => {
    const images = simulateSlice(anatomy.sliceMaps(k), subject, modalities, seed * 10007 + k);
    // Signal units: fully relaxed water = 1000.
    modalities.forEach((m, c) => rendered[c]!.set(images[m]!.map((v) => v * 1000), t * rows * cols));
  });
  const g = anatomy.geometry;
  const geometry = { ...g, origin: indexToWorld(g, 0, 0, ks[0]!), spacing: [g.spacing[0], g.spacing[1], g.spacing[2] * step] as const };
  const studyUID = uidFromName(`meddiff sample study ${STUDY_KEY}`);
  const frameUID = uidFromName(`meddiff sample frame ${STUDY_KEY}`);
  const patient = { name: 'Simulated^Brain', id: 'MEDDIFF-CDM-SIM', sex: 'M' as const };
  const when = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const series: SimulatedStudyIndex['series'] = [];
  modalities.forEach((m, c) => {
    const volume: Volume = { data: rendered[c]!, shape: [ks.length, rows, cols], geometry, frameOfReferenceUID: frameUID, modality: 'MR', source: { format: 'derived', files: [], description: `simulated ${m}` } };
    const seriesUID = uidFromName(`meddiff sample series ${STUDY_KEY} ${m}`);
    const description = `${m} (simulated: ${CONTRAST_PRESETS[m].description})`.slice(0, 64);
    const written = writeDicomSeries(volume, {
      sopClass: 'MR',
      modality: 'MR',
      patient,
      study: { instanceUID: studyUID, description: 'MRI brain, simulated multi-contrast (CDM sample)', id: 'CDMSIM', date: '20240101', time: '120000', accessionNumber: 'CDMSIM' },
      series: { instanceUID: seriesUID, number: c + 1, description, bodyPartExamined: 'BRAIN', date: '20240101', time: '120000' },
      frameOfReferenceUID: frameUID,
      sopInstanceUIDs: ks.map((_, t) => uidFromName(`meddiff sample instance ${STUDY_KEY} ${m} ${t}`)),
      now: when,
      imageComments: `Simulated ${m} contrast rendered by @meddiff/cdm from the anatomy of ${provenance[0]!.file} (${provenance[0]!.package} ${provenance[0]!.version}, ${provenance[0]!.licence}). Not an acquisition; not a clinical study.`,
    });
    const folder = join(STUDY_KEY, `series-${c + 1}-${m}`);
    mkdirSync(join(tmp, folder), { recursive: true });
    written.files.forEach((b, t) => writeFileSync(join(tmp, folder, `IM${String(t + 1).padStart(4, '0')}.dcm`), b));
    series.push({ folder, contrast: m, seriesInstanceUID: seriesUID, seriesNumber: c + 1, description, instances: written.files.length, rows, cols });
    log(`${folder}: ${written.files.length} instances of ${rows}x${cols}`);
  });
  const index: SimulatedStudyIndex = { version: STUDY_VERSION, key, studyInstanceUID: studyUID, frameOfReferenceUID: frameUID, patientID: patient.id, description: 'Simulated multi-contrast brain MRI (Colin27 anatomy)', series };
  writeFileSync(join(tmp, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, index, built: true };
}
