import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImagingError, InvalidArgumentError, MissingDataError } from '../errors.js';
import type { Volume } from '../image.js';
import { DATASET_FORMAT, DATASET_VERSION, SPLIT_NAMES, type DatasetManifest, type DatasetSplitName, type DatasetVolume, type Provenance } from '../dataset/manifest.js';
import { DEFAULT_SLICE_OPTIONS, type SliceOptions, splitSubjects, volumeToSlices } from '../dataset/slices.js';
import { DEFAULT_NORMALIZE_OPTIONS } from '../intensity/normalize.js';
import { commitFolder, SplitFiles, upToDateManifest } from './splitFiles.js';

/** One scan (possibly several co-registered channels) of one subject, with where it came from. */
export interface VolumeGroup {
  readonly id: string;
  readonly subject: string;
  readonly modality: string;
  readonly channelNames: readonly string[];
  /** Loaded lazily so a large folder never sits in memory at once. */
  readonly load: () => readonly Volume[];
  readonly provenance: readonly Provenance[];
}

export interface WriteDatasetOptions extends SliceOptions {
  readonly name: string;
  readonly outDir: string;
  /** Fraction of subjects for validation; default 0.25. */
  readonly valFraction?: number;
  readonly seed?: number;
  /** Rebuild even when the manifest says it is up to date. */
  readonly force?: boolean;
  readonly notes?: string;
  readonly log?: (msg: string) => void;
  /** Problems found while discovering inputs, recorded in the manifest. */
  readonly skipped?: readonly { file: string; reason: string }[];
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes a slice dataset (see DatasetManifest) from volume groups: splits by subject, extracts,
 * normalises and squares slices, and streams them to `<outDir>/train.f32` and `val.f32` (SplitFiles).
 * Writes into a temporary folder and renames it, so an interrupted build leaves the previous dataset
 * intact. When the manifest's inputsKey matches, does nothing.
 */
export function writeDataset(groups: readonly VolumeGroup[], options: WriteDatasetOptions): { manifest: DatasetManifest; built: boolean; dir: string } {
  const log = options.log ?? (() => undefined);
  const dir = options.outDir;
  const sliceOpts = { ...DEFAULT_SLICE_OPTIONS, ...options };
  const normalization = { ...DEFAULT_NORMALIZE_OPTIONS, ...options.normalize };
  const valFraction = options.valFraction ?? 0.25;
  const seed = options.seed ?? 0;
  if (groups.length === 0) throw new MissingDataError('any readable volume', 'Give a folder holding NIfTI files or DICOM series.');
  const channels = groups[0]!.channelNames;
  for (const g of groups) {
    if (g.channelNames.join('|') !== channels.join('|')) throw new InvalidArgumentError('writeDataset', `volume ${g.id} has channels ${g.channelNames.join(',')}, others ${channels.join(',')}`);
  }
  const inputsKey = createHash('sha256')
    .update(JSON.stringify({ v: DATASET_VERSION, name: options.name, size: sliceOpts.size, maxSlices: sliceOpts.maxSlices, minForeground: sliceOpts.minForeground, normalization, valFraction, seed, groups: groups.map((g) => [g.id, g.subject, g.modality, g.channelNames, g.provenance.map((p) => p.sha256 + p.file)]) }))
    .digest('hex');
  const old = options.force ? undefined : upToDateManifest(dir, inputsKey);
  if (old) {
    log(`dataset ${options.name} is up to date in ${dir}`);
    return { manifest: old, built: false, dir };
  }
  const { train, val } = splitSubjects(groups.map((g) => g.subject), valFraction, seed);
  const valSet = new Set(val);
  const files = new SplitFiles(dir, ['train', 'val'] as const);
  const volumes: DatasetVolume[] = [];
  const skipped = [...(options.skipped ?? [])];
  try {
    for (const g of groups) {
      const split = valSet.has(g.subject) ? 'val' : 'train';
      let vols: readonly Volume[];
      let perChannel: ReturnType<typeof volumeToSlices>[];
      try {
        vols = g.load();
        const first = volumeToSlices(vols[0]!, sliceOpts);
        perChannel = [first, ...vols.slice(1).map((v) => volumeToSlices(v, { ...sliceOpts, indices: first.indices }))];
        for (const [c, pc] of perChannel.entries()) {
          if (pc.oriented.shape.join('x') !== first.oriented.shape.join('x')) throw new InvalidArgumentError('writeDataset', `channel ${g.channelNames[c]} is ${pc.oriented.shape.join('x')}, channel ${g.channelNames[0]} is ${first.oriented.shape.join('x')}`);
        }
      } catch (e) {
        if (!(e instanceof ImagingError)) throw e;
        skipped.push({ file: g.id, reason: e.message });
        log(`skipped ${g.id}: ${e.message}`);
        continue;
      }
      const first = perChannel[0]!;
      if (first.indices.length === 0) {
        skipped.push({ file: g.id, reason: 'no slice has enough foreground' });
        continue;
      }
      const offset = files.count(split);
      for (let t = 0; t < first.indices.length; t++) files.append(split, perChannel.map((pc) => pc.slices[t]!));
      const o = first.oriented;
      volumes.push({
        id: g.id,
        subject: g.subject,
        split,
        modality: g.modality,
        channels: g.channelNames,
        stats: perChannel.map((p) => p.stats),
        shape: o.shape,
        spacing: o.geometry.spacing,
        sliceIndices: first.indices,
        offset,
        provenance: g.provenance,
      });
      log(`${split.padEnd(5)} ${g.id}: ${first.indices.length} slices of ${o.shape.slice(1).join('x')} (${g.subject})`);
    }
  } catch (e) {
    files.abandon();
    throw e;
  }
  const splits = files.close();
  const subjectsWritten = new Set(volumes.map((v) => v.subject));
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    name: options.name,
    size: [sliceOpts.size, sliceOpts.size],
    channels,
    dtype: 'float32',
    layout: 'NCHW',
    valueRange: [-1, 1],
    normalization,
    splits,
    subjects: [...train.map((id) => ({ id, split: 'train' as const })), ...val.map((id) => ({ id, split: 'val' as const }))].filter((s) => subjectsWritten.has(s.id)),
    volumes,
    skipped,
    inputsKey,
    notes: options.notes ?? '',
  };
  writeFileSync(join(files.tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  commitFolder(files.tmp, dir);
  return { manifest, built: true, dir };
}

/**
 * Reads one split of a slice dataset: its manifest and the [count, channels, size, size] values. The
 * test split exists only in datasets that have one (the corpus); asking another for it says so.
 */
export function readDataset(dir: string, split: DatasetSplitName): { manifest: DatasetManifest; data: Float32Array; shape: [number, number, number, number] } {
  if (!(SPLIT_NAMES as readonly string[]).includes(split)) throw new InvalidArgumentError('readDataset', `unknown split "${String(split)}"; choose from ${SPLIT_NAMES.join(', ')}`);
  const mp = join(dir, 'manifest.json');
  if (!existsSync(mp)) throw new MissingDataError(`the dataset manifest ${mp}`, 'Build it first: `npx meddiff-imaging build-dataset` (see the package README).');
  const manifest = JSON.parse(readFileSync(mp, 'utf8')) as DatasetManifest;
  if (manifest.format !== DATASET_FORMAT) throw new InvalidArgumentError('readDataset', `${mp} is not a ${DATASET_FORMAT} manifest`);
  const s = manifest.splits[split];
  if (s === undefined) throw new MissingDataError(`the ${split} split of ${dir}`, `That dataset has the splits ${Object.keys(manifest.splits).join(', ')}; a test split is in the corpus datasets (\`npx meddiff-imaging build-dataset --corpus\`).`);
  const buf = readFileSync(join(dir, s.file));
  const shape: [number, number, number, number] = [s.count, manifest.channels.length, manifest.size[0], manifest.size[1]];
  const n = shape.reduce((a, b) => a * b, 1);
  if (buf.byteLength !== n * 4) throw new InvalidArgumentError('readDataset', `${s.file} has ${buf.byteLength} bytes, the manifest implies ${n * 4}`);
  if (sha256(buf) !== s.sha256) throw new InvalidArgumentError('readDataset', `${s.file} does not match the sha256 in its manifest: rebuild the dataset with --force`);
  const data = new Float32Array(n);
  new Uint8Array(data.buffer).set(buf);
  return { manifest, data, shape };
}
