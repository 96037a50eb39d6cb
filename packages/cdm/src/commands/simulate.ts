import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { montagePng, reorientToLPS } from '@meddiff/imaging';
import { readImageFile, readDataset } from '@meddiff/imaging/node';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { anatomyFromT1 } from '../simulate/anatomy';
import { defaultSimulationPlan } from '../simulate/simulateAnatomy';
import { ANATOMY_SOURCES, type AnatomySourceId } from '../node/anatomySources';
import { buildProtocolDataset } from '../node/protocolDataset';
import { buildSimulatedDataset, writeSimulatedDataset, type AnatomyInput, type SimulatedDatasetManifest } from '../node/simulatedDataset';
import { occupied, type Log } from './common';
import { OutputExistsError, UsageError } from './errors';

export interface SimulateCommandOptions {
  size?: number;
  slicesPerSubject?: number;
  /** Candidate slices per anatomy that the virtual subjects rotate through (see SimulationPlan.slicePool). */
  slicePool?: number;
  virtualSubjects?: number;
  sources?: AnatomySourceId[];
  valSubjects?: string[];
  /** With `protocols`: anatomies that form the test split (default itk-kmeans-t1). */
  testSubjects?: string[];
  /**
   * Render the protocol-varied dataset `cdm-protocols-<size>` (field strength, tissue properties,
   * resolution and protocols drawn per virtual subject; train, val and test split by subject and by
   * protocol) instead of `cdm-sim-<size>`.
   */
  protocols?: boolean;
  modalities?: SimulatedModality[];
  seed?: number;
  force?: boolean;
  cacheDir?: string;
  /** Render from your own T1-weighted head scans (NIfTI files or DICOM folders; one subject each) instead of the open anatomies; needs `out`. */
  from?: string[];
  /** With `from`: the dataset folder to write. */
  out?: string;
  /** A PNG contact sheet of the first rendered slices, one column per contrast. */
  preview?: string;
  log?: Log;
}

/**
 * Renders the paired multi-contrast dataset from the open anatomies (Colin27, INIA19, the MNI
 * tissue maps) into <cache>/datasets/cdm-sim-<size>/, or from a user's T1 scan into `out`, or
 * (`protocols`) the protocol-varied dataset from every open anatomy into
 * <cache>/datasets/cdm-protocols-<size>/.
 */
export async function simulate(o: SimulateCommandOptions = {}): Promise<{ dir: string; train: number; val: number; test?: number; built: boolean }> {
  const log = o.log ?? (() => undefined);
  for (const m of o.modalities ?? []) if (!SIMULATED_MODALITIES.includes(m)) throw new UsageError(`The simulator renders ${SIMULATED_MODALITIES.join(', ')}; '${m}' is not one of them.`);
  for (const s of o.sources ?? []) if (!ANATOMY_SOURCES.includes(s)) throw new UsageError(`Unknown anatomy '${s}'. Allowed: ${ANATOMY_SOURCES.join(', ')}.`);
  const plan = {
    ...(o.size ? { size: o.size } : {}),
    ...(o.slicesPerSubject ? { slicesPerSubject: o.slicesPerSubject } : {}),
    ...(o.slicePool ? { slicePool: o.slicePool } : {}),
    ...(o.virtualSubjects ? { virtualSubjects: o.virtualSubjects } : {}),
    ...(o.modalities ? { modalities: o.modalities } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  };
  let result: { dir: string; train: number; val: number; test?: number; built: boolean };
  if (o.testSubjects && !o.protocols) throw new UsageError('--test-subjects needs --protocols: the cdm-sim datasets have train and val splits only.');
  if (o.protocols && o.from) throw new UsageError('--protocols renders the open anatomies; it cannot be combined with --from.');
  if (o.protocols) {
    const started = performance.now();
    const { dir, manifest, built } = buildProtocolDataset({ ...plan, ...(o.sources ? { sources: o.sources } : {}), ...(o.valSubjects ? { valSubjects: o.valSubjects } : {}), ...(o.testSubjects ? { testSubjects: o.testSubjects } : {}), ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), ...(o.force ? { force: true } : {}), log });
    const inSplit = (m: SimulatedDatasetManifest, split: string) => m.subjects.filter((s) => s.split === split).map((s) => s.id).join(', ');
    log(`${built ? `wrote (${((performance.now() - started) / 1000).toFixed(0)} s)` : 'up to date:'} ${dir}: ${manifest.splits.train.count} training slices (${inSplit(manifest, 'train')}), ${manifest.splits.val.count} validation (${inSplit(manifest, 'val')}), ${manifest.splits.test?.count ?? 0} test (${inSplit(manifest, 'test')}), contrasts ${manifest.channels.join(', ')}; per-slice protocols in ${dir}/protocols.json`);
    result = { dir, train: manifest.splits.train.count, val: manifest.splits.val.count, test: manifest.splits.test?.count ?? 0, built };
    if (o.preview) {
      const { data, shape } = readDataset(dir, 'train');
      writePreview(o.preview, data, shape[1], shape[2], Math.min(6, shape[0]), Math.max(1, Math.floor(shape[0] / 6)));
    }
  } else if (o.from) {
    // Each file is one subject; the last is the validation subject unless valSubjects says otherwise.
    const files = o.from;
    if (files.length < 2) throw new UsageError('--from needs at least two T1 scans (one subject each), so that validation slices come from a subject training never saw.');
    if (!o.out) throw new UsageError('--from renders your own scans: give --out <folder> for the dataset.');
    const dir = resolve(o.out);
    if (occupied(dir) && !o.force) throw new OutputExistsError(`${dir} is not empty; choose another --out or pass --force.`);
    const ids = files.map((f) => basename(f).replace(/\.(nii(\.gz)?|dcm)$/i, ''));
    const inputs: AnatomyInput[] = [];
    for (const [n, f] of files.entries()) {
      const bytes = statSync(f).isDirectory() ? f : createHash('sha256').update(readFileSync(f)).digest('hex');
      const volume = reorientToLPS(await readImageFile(f));
      inputs.push({ id: ids[n]!, key: bytes, load: () => ({ anatomy: anatomyFromT1(volume, ids[n]!), provenance: [{ kind: 'user', file: f, licence: 'user-provided data (licence as given by its owner)', sha256: bytes }] }) });
    }
    const { manifest, built } = writeSimulatedDataset(inputs, { dir, name: basename(dir), plan: defaultSimulationPlan(plan), valSubjects: o.valSubjects ?? [ids[ids.length - 1]!], ...(o.force ? { force: true } : {}), log });
    log(`${built ? 'wrote' : 'up to date:'} ${dir}: ${manifest.splits.train.count} training and ${manifest.splits.val.count} validation slices rendered from your scans`);
    result = { dir, train: manifest.splits.train.count, val: manifest.splits.val.count, built };
    if (o.preview) {
      const { data, shape } = readDataset(dir, 'train');
      writePreview(o.preview, data, shape[1], shape[2], Math.min(6, shape[0]), Math.max(1, Math.floor(shape[0] / 6)));
    }
  } else {
    const { dir, manifest, built } = buildSimulatedDataset({ ...plan, ...(o.sources ? { sources: o.sources } : {}), ...(o.valSubjects ? { valSubjects: o.valSubjects } : {}), ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), ...(o.force ? { force: true } : {}), log });
    log(`${built ? 'wrote' : 'up to date:'} ${dir}: ${manifest.splits.train.count} training slices (${manifest.subjects.filter((s) => s.split === 'train').map((s) => s.id).join(', ')}), ${manifest.splits.val.count} validation slices (${manifest.subjects.filter((s) => s.split === 'val').map((s) => s.id).join(', ')}), contrasts ${manifest.channels.join(', ')}`);
    result = { dir, train: manifest.splits.train.count, val: manifest.splits.val.count, built };
    if (o.preview) {
      const { data, shape } = readDataset(dir, 'train');
      writePreview(o.preview, data, shape[1], shape[2], Math.min(6, shape[0]), Math.max(1, Math.floor(shape[0] / 6)));
    }
  }
  if (o.preview) log(`preview: ${resolve(o.preview)}`);
  return result;
}

/** A greyscale PNG: one row per slice, one column per contrast, [-1, 1] mapped to 0..255. */
function writePreview(path: string, data: Float32Array, channels: number, size: number, rows: number, stride = 1): void {
  const n = size * size;
  const grid = Array.from({ length: rows }, (_, r) => Array.from({ length: channels }, (_, c) => ({ data: data.subarray(((r * stride) * channels + c) * n, ((r * stride) * channels + c + 1) * n), window: [-1, 1] as const })));
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, montagePng(grid, size, size, 1, 0));
}
