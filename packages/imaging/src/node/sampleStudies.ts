import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexToWorld, type Volume } from '../image.js';
import { reorientToLPS } from '../geometry/reorient.js';
import { computeNormalization } from '../intensity/normalize.js';
import { chooseSlices } from '../dataset/slices.js';
import { type SopClassKind, writeDicomSeries } from '../dicom/writeDicom.js';
import { loadOpenSource, openSourceById } from './loadOpenSource.js';
import type { Provenance } from '../dataset/manifest.js';

const SAMPLE_VERSION = 1;

/** A deterministic UID from a name: 2.25 and the first 128 bits of its sha256, so reruns give the same UIDs. */
export function uidFromName(name: string): string {
  const h = createHash('sha256').update(name).digest();
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(h[i]!);
  return `2.25.${n.toString()}`;
}

interface StudySpec {
  readonly key: string;
  readonly sourceId: string;
  readonly sopClass: SopClassKind;
  readonly patient: { name: string; id: string; sex: 'M' | 'F' | 'O' | '' };
  readonly studyDescription: string;
  readonly seriesDescription: string;
  readonly bodyPart: string;
  readonly window?: { center: number; width: number };
}

const STUDIES: readonly StudySpec[] = [
  {
    key: 'mr-brain-colin27',
    sourceId: 'colin27-t1',
    sopClass: 'MR',
    patient: { name: 'Colin27^Sample', id: 'MEDDIFF-COLIN27', sex: 'M' },
    studyDescription: 'MRI brain (sample, open data: Colin27 from mricron-data)',
    seriesDescription: 'T1 axial (Colin27 ch2 average, 1 mm)',
    bodyPart: 'BRAIN',
  },
  {
    key: 'ct-head-invesalius',
    sourceId: 'cranium-ct',
    sopClass: 'CT',
    patient: { name: 'Cranium^Sample', id: 'MEDDIFF-CRANIUM', sex: '' },
    studyDescription: 'CT head (sample, open data: InVesalius Cranium)',
    seriesDescription: 'Head CT axial (HU)',
    bodyPart: 'HEAD',
    window: { center: 40, width: 80 },
  },
];

/** Takes `count` evenly spaced axial slices (of those with anatomy) as a volume with correct geometry. */
function subsample(volume: Volume, count: number): Volume {
  const [depth, rows, cols] = volume.shape;
  const n = rows * cols;
  const { low, high } = computeNormalization(volume.data, { lowPercentile: 1, highPercentile: 99 });
  const fg: number[] = [];
  for (let k = 0; k < depth; k++) {
    let c = 0;
    for (let i = k * n; i < (k + 1) * n; i++) if (volume.data[i]! > low + 0.1 * (high - low)) c++;
    fg.push(c / n);
  }
  const ok = chooseSlices(fg, 0.05, depth);
  const first = ok[0] ?? 0;
  const last = ok[ok.length - 1] ?? depth - 1;
  // An even step keeps the series evenly spaced, as a scanner's would be.
  const step = Math.max(1, Math.floor((last - first) / Math.max(1, count - 1)));
  const ks = Array.from({ length: Math.min(count, Math.floor((last - first) / step) + 1) }, (_, t) => first + t * step);
  const data = new Float32Array(ks.length * n);
  ks.forEach((k, t) => data.set(volume.data.subarray(k * n, (k + 1) * n), t * n));
  return {
    ...volume,
    data,
    shape: [ks.length, rows, cols],
    geometry: { ...volume.geometry, origin: indexToWorld(volume.geometry, 0, 0, ks[0]!), spacing: [volume.geometry.spacing[0], volume.geometry.spacing[1], volume.geometry.spacing[2] * step] },
  };
}

export interface SampleStudyIndex {
  readonly version: number;
  readonly studies: readonly {
    readonly folder: string;
    readonly studyInstanceUID: string;
    readonly seriesInstanceUID: string;
    readonly patientID: string;
    readonly description: string;
    readonly modality: string;
    readonly instances: number;
    readonly rows: number;
    readonly cols: number;
    readonly provenance: Provenance;
  }[];
}

/**
 * Writes DICOM sample studies for the viewer from the open scans into `<cacheDir>/sample-studies/`:
 * one folder per study with one series of `slices` instances (MR brain from Colin27, CT head from
 * InVesalius' Cranium), a real patient / study / series / instance hierarchy with deterministic UIDs,
 * per-slice ImagePositionPatient and a shared FrameOfReferenceUID. Cached: does nothing when the index
 * says the same version and slice count were written.
 */
export function writeSampleStudies(cacheDir: string, options: { slices?: number; force?: boolean; log?: (m: string) => void } = {}): { dir: string; index: SampleStudyIndex; built: boolean } {
  const slices = options.slices ?? 30;
  const log = options.log ?? (() => undefined);
  const dir = join(cacheDir, 'sample-studies');
  const indexPath = join(dir, 'index.json');
  const key = `v${SAMPLE_VERSION}-${slices}`;
  if (!options.force && existsSync(indexPath)) {
    const old = JSON.parse(readFileSync(indexPath, 'utf8')) as SampleStudyIndex & { key?: string };
    if (old.key === key) {
      log(`sample studies are up to date in ${dir}`);
      return { dir, index: old, built: false };
    }
  }
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  const studies: SampleStudyIndex['studies'][number][] = [];
  const when = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));
  for (const spec of STUDIES) {
    const { volume, provenance } = loadOpenSource(openSourceById(spec.sourceId), cacheDir, true);
    const vol = subsample(reorientToLPS(volume), slices);
    const studyUID = uidFromName(`meddiff sample study ${spec.key}`);
    const seriesUID = uidFromName(`meddiff sample series ${spec.key} 1`);
    const out = writeDicomSeries(vol, {
      sopClass: spec.sopClass,
      modality: spec.sopClass,
      patient: spec.patient,
      study: { instanceUID: studyUID, description: spec.studyDescription, id: spec.key.slice(0, 16), date: '20240101', time: '120000', accessionNumber: spec.key.slice(0, 16) },
      series: { instanceUID: seriesUID, number: 1, description: spec.seriesDescription, bodyPartExamined: spec.bodyPart, date: '20240101', time: '120000' },
      frameOfReferenceUID: uidFromName(`meddiff sample frame ${spec.key}`),
      sopInstanceUIDs: Array.from({ length: vol.shape[0] }, (_, k) => uidFromName(`meddiff sample instance ${spec.key} ${k}`)),
      ...(spec.window ? { window: spec.window } : {}),
      now: when,
      imageComments: `Sample built from open data: ${provenance.package} ${provenance.version} (${provenance.licence}), ${provenance.file}. Not a clinical study.`,
    });
    const folder = join(spec.key, 'series-1');
    mkdirSync(join(tmp, folder), { recursive: true });
    out.files.forEach((b, k) => writeFileSync(join(tmp, folder, `IM${String(k + 1).padStart(4, '0')}.dcm`), b));
    studies.push({
      folder,
      studyInstanceUID: studyUID,
      seriesInstanceUID: seriesUID,
      patientID: spec.patient.id,
      description: spec.studyDescription,
      modality: spec.sopClass,
      instances: out.files.length,
      rows: vol.shape[1],
      cols: vol.shape[2],
      provenance,
    });
    log(`${spec.key}: ${out.files.length} ${spec.sopClass} instances of ${vol.shape[1]}x${vol.shape[2]}`);
  }
  const index = { version: SAMPLE_VERSION, key, studies };
  writeFileSync(join(tmp, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, index, built: true };
}
