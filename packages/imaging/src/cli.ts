#!/usr/bin/env node
import { Command, InvalidArgumentError as CommanderArgError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { integerOption, runCommandLine } from './node/commandKit.js';
import { resolveCacheDir } from './node/cacheDir.js';
import { fetchOpenData } from './node/openData.js';
import { buildOpenDataset } from './node/buildDataset.js';
import { buildCorpusDataset } from './node/buildCorpus.js';
import { SLICE_PLANES, type SlicePlane } from './dataset/orientations.js';
import { SPLIT_NAMES, type DatasetManifest, type DatasetSplitName } from './dataset/manifest.js';
import { buildUserDataset } from './node/userFolder.js';
import { writeSampleStudies } from './node/sampleStudies.js';
import { readImageFile } from './node/files.js';
import { percentiles } from './intensity/percentile.js';
import { OPEN_SOURCES } from './dataset/openSources.js';
import { readDataset } from './node/writeDataset.js';
import { contactSheet, encodeGreyPng } from './preview/png.js';
import { writeFileSync } from 'node:fs';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const fraction = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new CommanderArgError('must be in [0, 1)');
  return n;
};
const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const planeList = (v: string): SlicePlane[] => {
  const planes = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of planes) if (!(SLICE_PLANES as readonly string[]).includes(p)) throw new CommanderArgError(`unknown plane "${p}"; choose from ${SLICE_PLANES.join(', ')}`);
  return planes as SlicePlane[];
};
/** One line per dataset: slices and subjects of each split it has. */
const describeDataset = (m: DatasetManifest): string =>
  SPLIT_NAMES.filter((s) => m.splits[s] !== undefined)
    .map((s) => `${m.splits[s]!.count} ${s} slices [${m.subjects.filter((x) => x.split === s).map((x) => x.id).join(', ')}]`)
    .join('; ');

const program = new Command();
program
  .name('meddiff-imaging')
  .version(pkg.version)
  .description('Medical image data for the meddiff models: fetch open scans, build slice datasets, write sample DICOM studies.')
  .option('--cache-dir <dir>', 'cache folder (default: $MEDDIFF_CACHE, else <repo root>/.cache, else ./.cache)');
const cacheDir = () => resolveCacheDir(program.opts<{ cacheDir?: string }>().cacheDir);

program
  .command('fetch-open-data')
  .description('download and unpack the Debian packages with the open scans and DICOM test files (apt-get download + dpkg -x; no root; needs `apt-get update` once)')
  .action(() => {
    const t0 = Date.now();
    for (const r of fetchOpenData(cacheDir(), log)) log(`${r.fetched ? 'fetched' : 'cached '} ${r.package} ${r.provenance.version} (${r.provenance.licence})`);
    log(`open data in ${cacheDir()}/open-data (${seconds(t0)})`);
  });

program
  .command('build-dataset')
  .description('build a 2-D slice dataset (train/val split by subject) from the open scans, or from your own folder with --from; --corpus builds the Med-cDiff corpus (train/val/test)')
  .option('--corpus', 'the Med-cDiff corpus: every usable slice of every open scan in all three planes, train/val/test by subject (corpus-<size>)')
  .option('--planes <list>', 'with --corpus: planes to cut volumes along (default axial,coronal,sagittal)', planeList)
  .option('--from <folder>', 'a folder of NIfTI files and/or DICOM series (one subfolder per subject, e.g. a BraTS download)')
  .option('--name <name>', 'dataset name (folder under <cache>/datasets); default "open" or the folder name')
  .option('--size <n>', 'slice side in pixels', integerOption(1), 128)
  .option('--channels <list>', 'with --from: pair NIfTI files per subject by suffix, e.g. t1,t1ce,t2,flair')
  .option('--modality <m>', 'open data: MR or CT only; --from: modality recorded for NIfTI files')
  .option(`--sources <ids>`, `open data: comma-separated source ids (${OPEN_SOURCES.map((s) => s.id).join(', ')})`)
  .option('--val-fraction <f>', 'fraction of subjects for validation', fraction, 0.25)
  .option('--max-slices <n>', 'at most this many slices per volume', integerOption(1), 48)
  .option('--seed <n>', 'seed of the subject split', (v) => Number(v), 0)
  .option('--force', 'rebuild even if up to date')
  .action(async (o: { corpus?: boolean; planes?: SlicePlane[]; from?: string; name?: string; size: number; channels?: string; modality?: string; sources?: string; valFraction: number; maxSlices: number; seed: number; force?: boolean }) => {
    const t0 = Date.now();
    const common = { size: o.size, valFraction: o.valFraction, maxSlices: o.maxSlices, seed: o.seed, force: o.force ?? false, log };
    let res;
    if (o.corpus) {
      if (o.from) throw new CommanderArgError('--corpus builds from the open scans; leave out --from');
      res = await buildCorpusDataset({
        cacheDir: cacheDir(),
        size: o.size,
        force: o.force ?? false,
        log,
        ...(o.name ? { name: o.name } : {}),
        ...(o.planes ? { planes: o.planes } : {}),
        ...(o.sources ? { sources: o.sources.split(',').map((s) => s.trim()) } : {}),
      });
    } else if (o.from) {
      const name = o.name ?? o.from.replace(/[\\/]+$/, '').split(/[\\/]/).pop()!;
      res = await buildUserDataset(o.from, {
        ...common,
        name,
        outDir: `${cacheDir()}/datasets/${name}`,
        ...(o.channels ? { channels: o.channels.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(o.modality ? { modality: o.modality } : {}),
      });
    } else {
      if (o.modality && o.modality !== 'MR' && o.modality !== 'CT') throw new CommanderArgError('--modality must be MR or CT for the open data');
      res = buildOpenDataset({
        ...common,
        cacheDir: cacheDir(),
        ...(o.name ? { name: o.name } : {}),
        ...(o.sources ? { sources: o.sources.split(',').map((s) => s.trim()) } : {}),
        ...(o.modality ? { modality: o.modality as 'MR' | 'CT' } : {}),
      });
    }
    const m = res.manifest;
    log(`${res.built ? 'built' : 'up to date:'} ${res.dir}: ${m.channels.length}x${m.size.join('x')} slices: ${describeDataset(m)} (${seconds(t0)})`);
    for (const s of m.skipped) log(`skipped ${s.file}: ${s.reason}`);
  });

program
  .command('sample-studies')
  .description('write sample DICOM studies (MR brain, CT head) from the open scans for the viewer')
  .option('--slices <n>', 'instances per series', integerOption(1), 30)
  .option('--force', 'rewrite even if up to date')
  .action((o: { slices: number; force?: boolean }) => {
    const t0 = Date.now();
    const r = writeSampleStudies(cacheDir(), { slices: o.slices, force: o.force ?? false, log });
    log(`${r.built ? 'wrote' : 'up to date:'} ${r.index.studies.length} studies in ${r.dir} (${seconds(t0)})`);
  });

program
  .command('setup')
  .description('fetch-open-data, build-dataset (open and corpus, 128 and 64 px) and sample-studies, each cached')
  .action(async () => {
    const t0 = Date.now();
    fetchOpenData(cacheDir(), log);
    for (const size of [128, 64]) buildOpenDataset({ cacheDir: cacheDir(), size, log });
    for (const size of [128, 64]) {
      const t = Date.now();
      const r = await buildCorpusDataset({ cacheDir: cacheDir(), size, log });
      if (r.built) log(`built ${r.dir}: ${describeDataset(r.manifest)} (${seconds(t)})`);
    }
    writeSampleStudies(cacheDir(), { log });
    log(`set-up done in ${seconds(t0)}; cache ${cacheDir()}`);
  });

program
  .command('info <path>')
  .description('read a DICOM file, a DICOM folder or a NIfTI file and print its shape, geometry and value range')
  .action(async (path: string) => {
    const v = await readImageFile(path);
    const [p0, p50, p100] = percentiles(v.data, [0, 50, 100]);
    process.stdout.write(
      `${JSON.stringify({ shape: v.shape, spacing: v.geometry.spacing, origin: v.geometry.origin, direction: v.geometry.direction, modality: v.modality ?? null, frameOfReferenceUID: v.frameOfReferenceUID ?? null, min: p0, median: p50, max: p100, files: v.source.files.length }, null, 1)}\n`,
    );
  });

program
  .command('preview-dataset <name> <out.png>')
  .description('write a contact sheet PNG of a built dataset (first channel, every n-th slice)')
  .option('--split <s>', `${SPLIT_NAMES.join(', ')} (test only in datasets that have one)`, 'train')
  .option('--count <n>', 'number of slices shown', integerOption(1), 24)
  .action((name: string, out: string, o: { split: string; count: number }) => {
    if (!(SPLIT_NAMES as readonly string[]).includes(o.split)) throw new CommanderArgError(`--split must be one of ${SPLIT_NAMES.join(', ')}`);
    const { data, shape } = readDataset(`${cacheDir()}/datasets/${name}`, o.split as DatasetSplitName);
    const [n, c, h, w] = shape;
    const step = Math.max(1, Math.floor(n / o.count));
    const imgs: Float32Array[] = [];
    for (let k = 0; k < n && imgs.length < o.count; k += step) imgs.push(data.subarray(k * c * h * w, k * c * h * w + h * w));
    const sheet = contactSheet(imgs, h, w, 8);
    writeFileSync(out, encodeGreyPng(sheet.data, sheet.rows, sheet.cols, -1, 1));
    log(`wrote ${out} (${imgs.length} of ${n} ${o.split} slices)`);
  });

runCommandLine(program, log);
