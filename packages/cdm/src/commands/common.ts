import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { MissingDataError } from '@meddiff/imaging';
import { buildUserDataset, readDataset, resolveCacheDir } from '@meddiff/imaging/node';
import { CdmPipeline } from '../pipeline/cdmPipeline';
import { prepareSlices, type PairedSlices } from '../train/pairedSlices';
import type { CdmConfig } from '../config';
import { UsageError } from './errors';

/** The backends the commands offer, and how one is started: shared with every Node command. */
export { NODE_BACKENDS as COMMAND_BACKENDS, selectNodeBackend as useBackend, type NodeBackend as CommandBackend } from '@meddiff/diffusion-core/node';

/** Where progress lines go: stderr in the CLI, a collector in tests. */
export type Log = (line: string) => void;

/** The default simulated dataset (built by `cdm simulate`). */
export const DEFAULT_DATASET = 'cdm-sim-64';

/**
 * A dataset folder from `--data`: a folder path or a name under <cache>/datasets; default the
 * simulated one. A missing one says how to build it.
 */
export function resolveDatasetDir(data: string | undefined, cacheDir?: string): string {
  const datasets = join(resolveCacheDir(cacheDir), 'datasets');
  const name = data ?? DEFAULT_DATASET;
  for (const dir of [resolve(name), join(datasets, name)]) if (existsSync(join(dir, 'manifest.json'))) return dir;
  throw new MissingDataError(`a dataset at '${name}'`, data === undefined ? 'Render the simulated one first: `npx cdm simulate` (a few seconds; needs `npm run -w @meddiff/imaging setup-data` once).' : `Give a folder holding a manifest.json (from \`cdm simulate\` or \`meddiff-imaging build-dataset\`), or a name under ${datasets}.`);
}

/**
 * Builds (or reuses) a paired dataset from a user's folder of co-registered NIfTI cases, BraTS
 * style: one folder per subject, files named `<case>_<contrast>.nii.gz`, paired by that suffix.
 */
export async function datasetFromFolder(folder: string, modalities: readonly string[], size: number, cacheDir: string | undefined, log: Log): Promise<string> {
  const out = join(resolveCacheDir(cacheDir), 'datasets', `cdm-user-${basename(resolve(folder))}-${size}`);
  const channels = modalities.map((m) => m.toLowerCase());
  const { manifest, built } = await buildUserDataset(folder, { name: basename(out), outDir: out, channels, size, log });
  log(`${built ? 'built' : 'reusing'} ${out}: ${manifest.splits.train.count} training and ${manifest.splits.val.count} validation slices of ${channels.join(', ')}${manifest.skipped.length ? `; skipped ${manifest.skipped.length} (see manifest.json)` : ''}`);
  return out;
}

/** One split of a paired dataset, prepared for a model (its imageSize, per-slice normalisation). */
export function readPairedSlices(dir: string, split: 'train' | 'val' | 'test', config: Pick<CdmConfig, 'imageSize' | 'normalization'>): PairedSlices {
  const { manifest, data, shape } = readDataset(dir, split);
  const [count, , rows, cols] = shape;
  if (rows !== cols) throw new UsageError(`The dataset in ${dir} holds ${rows} x ${cols} slices; CDM trains on square slices.`);
  if (count === 0) throw new UsageError(`The ${split} split of the dataset in ${dir} is empty.`);
  return prepareSlices({ data, count, size: rows, channels: [...manifest.channels] }, config.imageSize, config.normalization);
}

/** Loads a pipeline from a model folder (cdm.json and the three parts) or an http(s) URL. */
export async function loadPipeline(model: string): Promise<CdmPipeline> {
  if (/^https?:\/\//i.test(model)) return CdmPipeline.load(model);
  if (!statSync(model, { throwIfNoEntry: false })?.isDirectory()) throw new MissingDataError(`the model folder '${model}'`, 'Give the folder `cdm train` wrote (<run>/model) or an http(s) URL of one.');
  return CdmPipeline.load(fileWeightsStore(model));
}

/** True when the path exists and is a file or a non-empty folder. */
export function occupied(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return false;
  return st.isDirectory() ? readdirSync(path).length > 0 : true;
}
