import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImagingError } from '../errors.js';
import { DATASET_FORMAT, DATASET_VERSION, SPLIT_NAMES, type DatasetManifest, type DatasetSplitName, type DatasetVolume } from '../dataset/manifest.js';
import { CORPUS_SPLIT_PLAN, corpusDatasetName, corpusSources } from '../dataset/corpus.js';
import type { OpenSource } from '../dataset/openSources.js';
import { SLICE_PLANES, type SlicePlane } from '../dataset/orientations.js';
import { DEFAULT_PLANE_SLICE_OPTIONS, volumeToPlaneSlices, type PlaneSliceOptions } from '../dataset/planeSlices.js';
import { assignSplits, type SplitPlan } from '../dataset/splitPlan.js';
import { DEFAULT_NORMALIZE_OPTIONS } from '../intensity/normalize.js';
import { ensureDebianPackage } from './debian.js';
import { loadOpenSourceAsync, openSourceById } from './loadOpenSource.js';
import { commitFolder, SplitFiles, upToDateManifest } from './splitFiles.js';

/** Bump when the slicing rules change in a way the options do not show, so cached corpora rebuild. */
const CORPUS_BUILDER_VERSION = 1;

export interface BuildCorpusOptions extends Omit<PlaneSliceOptions, 'plane2d' | 'floor'> {
  readonly cacheDir: string;
  /** Default `corpus-<size>`. */
  readonly name?: string;
  /** Default `<cacheDir>/datasets/<name>`. */
  readonly outDir?: string;
  /** Open source ids; default every source marked inCorpus. */
  readonly sources?: readonly string[];
  /** Default CORPUS_SPLIT_PLAN, keeping only the subjects the chosen sources have. */
  readonly split?: SplitPlan;
  /** Rebuild even when the manifest says it is up to date. */
  readonly force?: boolean;
  readonly log?: (msg: string) => void;
}

type Counts = Partial<Record<DatasetSplitName, Record<string, Record<string, number>>>>;

function addCount(counts: Counts, split: DatasetSplitName, plane: SlicePlane, modality: string, n: number): void {
  const byPlane = (counts[split] ??= {});
  const byModality = (byPlane[plane] ??= {});
  byModality[modality] = (byModality[modality] ?? 0) + n;
}

/**
 * Builds the Med-cDiff training corpus: every usable slice of every open scan in all three planes (2-D
 * images as their one slice), square at `size` px, split by subject into train, val and test following
 * a deliberate plan (CORPUS_SPLIT_PLAN). No augmented copies are stored: augmentation belongs to the
 * trainer, which draws new ones every epoch. Cached: when the manifest was built from the same sources,
 * package versions, options and plan, nothing is read and nothing is written.
 */
export async function buildCorpusDataset(options: BuildCorpusOptions): Promise<{ manifest: DatasetManifest; built: boolean; dir: string }> {
  const log = options.log ?? (() => undefined);
  const sliceOpts = { ...DEFAULT_PLANE_SLICE_OPTIONS, ...options };
  const planes = options.planes ?? SLICE_PLANES;
  const normalization = { ...DEFAULT_NORMALIZE_OPTIONS, ...options.normalize };
  const name = options.name ?? corpusDatasetName(sliceOpts.size);
  const dir = options.outDir ?? join(options.cacheDir, 'datasets', name);
  const sources: OpenSource[] = options.sources ? options.sources.map(openSourceById) : corpusSources();
  const subjects = sources.map((s) => ({ subject: s.subject, modality: s.modality }));
  const present = new Set(subjects.map((s) => s.subject));
  const plan = options.split ?? { val: CORPUS_SPLIT_PLAN.val.filter((s) => present.has(s)), test: CORPUS_SPLIT_PLAN.test.filter((s) => present.has(s)) };
  const splitOf = assignSplits(subjects, plan);
  for (const pkg of new Set(sources.map((s) => s.debianPackage))) ensureDebianPackage(pkg, options.cacheDir, log);
  const debSha = (s: OpenSource) => ensureDebianPackage(s.debianPackage, options.cacheDir).provenance.sha256;
  const inputsKey = createHash('sha256')
    .update(
      JSON.stringify({
        v: DATASET_VERSION,
        builder: CORPUS_BUILDER_VERSION,
        name,
        slicing: { size: sliceOpts.size, planes, minForeground: sliceOpts.minForeground, maxUpsampling: sliceOpts.maxUpsampling, maxAnisotropy: sliceOpts.maxAnisotropy, minExtent: sliceOpts.minExtent, maxSlicesPerPlane: sliceOpts.maxSlicesPerPlane ?? null },
        normalization,
        plan,
        // The whole entry, so a changed layout, plane or floor rebuilds too.
        sources: sources.map((s) => [s, debSha(s)]),
      }),
    )
    .digest('hex');
  const old = options.force ? undefined : upToDateManifest(dir, inputsKey);
  if (old) {
    log(`dataset ${name} is up to date in ${dir}`);
    return { manifest: old, built: false, dir };
  }
  const files = new SplitFiles(dir, SPLIT_NAMES);
  const volumes: DatasetVolume[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const counts: Counts = {};
  try {
    for (const source of sources) {
      const split = splitOf.get(source.subject)!;
      const allowed = planes.filter((p) => source.planes === undefined || source.planes.includes(p));
      let loaded: Awaited<ReturnType<typeof loadOpenSourceAsync>>;
      let cut: ReturnType<typeof volumeToPlaneSlices>;
      try {
        loaded = await loadOpenSourceAsync(source, options.cacheDir);
        const volume = source.direction ? { ...loaded.volume, geometry: { ...loaded.volume.geometry, direction: source.direction } } : loaded.volume;
        cut = volumeToPlaneSlices(volume, { ...sliceOpts, planes: allowed, ...(source.plane ? { plane2d: source.plane } : {}), ...(source.floor === undefined ? {} : { floor: source.floor }) });
      } catch (e) {
        if (!(e instanceof ImagingError)) throw e;
        skipped.push({ file: source.id, reason: e.message });
        log(`skipped ${source.id}: ${e.message}`);
        continue;
      }
      const o = cut.oriented;
      const kept: string[] = [];
      for (const p of cut.planes) {
        if (p.droppedBecause !== undefined || p.slices.length === 0) {
          skipped.push({ file: `${source.id} (${p.plane})`, reason: p.droppedBecause ?? `no slice has enough foreground (of ${p.available})` });
          continue;
        }
        const offset = files.count(split);
        for (const s of p.slices) files.append(split, [s]);
        addCount(counts, split, p.plane, source.modality, p.slices.length);
        kept.push(`${p.slices.length} ${p.plane}`);
        volumes.push({
          id: source.id,
          subject: source.subject,
          split,
          modality: source.modality,
          plane: p.plane,
          channels: ['image'],
          stats: [cut.stats],
          shape: o.shape,
          spacing: o.geometry.spacing,
          sliceIndices: p.indices,
          offset,
          provenance: [loaded.provenance],
        });
      }
      log(`${split.padEnd(5)} ${source.id}: ${kept.length ? kept.join(', ') : 'nothing usable'} (${source.subject}, ${source.modality})`);
    }
  } catch (e) {
    files.abandon();
    throw e;
  }
  const splits = files.close();
  const written = new Set(volumes.map((v) => v.subject));
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    name,
    size: [sliceOpts.size, sliceOpts.size],
    channels: ['image'],
    dtype: 'float32',
    layout: 'NCHW',
    valueRange: [-1, 1],
    normalization,
    splits,
    subjects: SPLIT_NAMES.flatMap((split) => [...splitOf].filter(([id, s]) => s === split && written.has(id)).map(([id]) => ({ id, split }))),
    volumes,
    skipped,
    inputsKey,
    notes:
      `Med-cDiff corpus: every usable slice of the open scans in Debian packages (each volume's provenance and licence), planes ${planes.join(', ')} after reorientation to LPS, ` +
      `2-D images as their one slice; per-volume robust normalisation to [-1, 1]; square pixels at ${sliceOpts.size} px across the longer side, padded with -1; slices with under ` +
      `${sliceOpts.minForeground * 100} % foreground dropped, and planes enlarged more than ${sliceOpts.maxUpsampling}x, with pixels over ${sliceOpts.maxAnisotropy}:1 or spanning under ${sliceOpts.minExtent * 100} % of the square (see skipped). ` +
      'Split by subject into train, val and test by a fixed plan (imaging README). No augmentation is stored: the trainer augments.',
    sliceCounts: counts,
  };
  writeFileSync(join(files.tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  commitFolder(files.tmp, dir);
  return { manifest, built: true, dir };
}
