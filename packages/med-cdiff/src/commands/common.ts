import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { MissingDataError, type DatasetManifest } from '@meddiff/imaging';
import { readDataset, resolveCacheDir } from '@meddiff/imaging/node';
import { MedCDiffPipeline } from '../pipeline/medCDiffPipeline';
import type { SliceSet } from '../train/pairSource';
import { UsageError } from './errors';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { workerChunkSampler } from '../pipeline/workerChunkSampler';

/** The backends the commands offer, and how one is started: shared with every Node command. */
export { NODE_BACKENDS as COMMAND_BACKENDS, selectNodeBackend as useBackend, type NodeBackend as CommandBackend } from '@meddiff/diffusion-core/node';

/** Where progress lines go: stderr in the CLI, a collector in tests. */
export type Log = (line: string) => void;

/** The open dataset built at a side: `open` is the 128 px build, others are `open-<side>`. */
export function openDatasetName(size: number): string {
  return size === 128 ? 'open' : `open-${size}`;
}

/**
 * A dataset folder from `--data`: a folder path, or the name of a dataset under
 * <cache>/datasets (e.g. `open-64`); without one, the open dataset built at `size` px.
 */
export function resolveDatasetDir(data: string | undefined, size: number, cacheDir?: string): string {
  const datasets = join(resolveCacheDir(cacheDir), 'datasets');
  if (data === undefined) {
    const dir = join(datasets, openDatasetName(size));
    if (!existsSync(join(dir, 'manifest.json'))) throw new MissingDataError(`the ${size} px open dataset (${dir})`, `Build it with \`npm run -w @meddiff/imaging setup-data\` (or \`npx meddiff-imaging build-dataset --size ${size}\`), or pass --data <dataset folder>.`);
    return dir;
  }
  for (const dir of [resolve(data), join(datasets, data)]) if (existsSync(join(dir, 'manifest.json'))) return dir;
  throw new MissingDataError(`a dataset at '${data}'`, `Give a folder that holds a manifest.json written by \`meddiff-imaging build-dataset\`, or a dataset name under ${datasets}.`);
}

/** One split of a single-channel, square slice dataset, as the trainer takes it. */
export function readSlices(dir: string, split: 'train' | 'val' | 'test'): { slices: SliceSet; manifest: DatasetManifest } {
  const { manifest, data, shape } = readDataset(dir, split);
  const [count, channels, rows, cols] = shape;
  if (channels !== 1) throw new UsageError(`The dataset in ${dir} has ${channels} channels (${manifest.channels.join(', ')}); Med-cDiff restores single-channel slices. Build a single-channel dataset.`);
  if (rows !== cols) throw new UsageError(`The dataset in ${dir} holds ${rows} x ${cols} slices; training needs square slices.`);
  if (count === 0) throw new UsageError(`The ${split} split of the dataset in ${dir} is empty.`);
  return { slices: { data, count, size: rows }, manifest };
}

/**
 * Loads a pipeline from a model folder (model.json and shards) or an http(s) URL. On the WASM
 * backend it samples on `workers` worker threads (default the cores available): same results,
 * every core.
 */
export async function loadPipeline(model: string, workers = availableParallelism()): Promise<MedCDiffPipeline> {
  let pipeline: MedCDiffPipeline;
  if (/^https?:\/\//i.test(model)) pipeline = await MedCDiffPipeline.load(model);
  else {
    // The model.json inside the folder names the same model.
    if (basename(model) === 'model.json' && statSync(model, { throwIfNoEntry: false })?.isFile()) model = dirname(model);
    if (!statSync(model, { throwIfNoEntry: false })?.isDirectory()) throw new MissingDataError(`the model folder '${model}'`, 'Give the folder a `train` run wrote (<run>/model) or an http(s) URL of one.');
    pipeline = await MedCDiffPipeline.load(fileWeightsStore(model));
  }
  if (tf.getBackend() === 'wasm') await pipeline.useChunkSampler(await workerChunkSampler(pipeline.model, { workers }));
  return pipeline;
}

/**
 * Throws a UsageError when a folder cannot be made or written at `dir`: the nearest part of the
 * path that exists must be a folder this process may write to.
 */
export function assertWritable(dir: string): void {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  if (!statSync(at).isDirectory()) throw new UsageError(`Cannot write to ${dir}: ${at} is a file, not a folder. Choose another --out.`);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    throw new UsageError(`Cannot write to ${dir}: ${at} is not writable by this user. Choose another --out.`);
  }
}

/** True when the path exists and is a file or a non-empty folder. */
export function occupied(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return false;
  return st.isDirectory() ? readdirSync(path).length > 0 : true;
}

export function parseIntegerOption(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) throw new UsageError(`${name} must be an integer >= ${min}, got ${value}.`);
}
