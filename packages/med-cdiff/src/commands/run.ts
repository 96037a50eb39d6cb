import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { SamplingProgress } from '@meddiff/diffusion-core';
import { computeNormalization, readNifti, RESEARCH_LABEL, stackSlices, volumeSlice, writeDerivedSeries, writeNifti, writeSpreadSeries, type Image2D, type Volume } from '@meddiff/imaging';
import { foreignEntries, readFile, readImageFile, removeOwnEntries, uidFromName } from '@meddiff/imaging/node';
import { MED_CDIFF_TASKS, type MedCDiffTask } from '../config';
import { InvalidInputError } from '../errors';
import { SERIES_SLICES_PER_CALL, type MedCDiffPipeline, type PipelineResult, type RunOptions } from '../pipeline/medCDiffPipeline';
import type { SamplerName } from '../pipeline/samplers';
import { readPngMask } from './pngMask';
import { assertWritable, loadPipeline, occupied, parseIntegerOption, useBackend, type CommandBackend, type Log } from './common';
import { OutputExistsError, UsageError } from './errors';

export interface RunCommandOptions {
  /** A model folder, an http(s) URL, or a loaded pipeline (then it is not disposed). */
  model: string | MedCDiffPipeline;
  /** A DICOM file, a folder with a DICOM series (the largest is used), or a .nii / .nii.gz file. */
  input: string;
  /** A folder for the derived DICOM series (DICOM input), or a .nii / .nii.gz file (any input). */
  out: string;
  /** Default: implied by --factor (super-resolution) or --mask (inpainting), else the model's task. */
  task?: MedCDiffTask;
  /** Slice index (0-based, along the stored slice axis); default the middle slice. */
  slice?: number;
  allSlices?: boolean;
  /** Super-resolution factor; default the model's only trained factor. */
  factor?: number;
  /** Inpainting: a .png or .nii/.nii.gz mask (non-zero = fill) on the slice's grid, or a rectangle 'x,y,w,h' in pixels. */
  mask?: string;
  /** Samples per slice: the output is their mean; with more than one, a standard-deviation map is written too. */
  samples?: number;
  sampler?: SamplerName;
  steps?: number;
  /** The sampler's noise scale (RunOptions.temperature); default 1. */
  temperature?: number;
  /** Default 0, so that a run can be repeated exactly. */
  seed?: number;
  /**
   * Name the derived series' UIDs are made from (UUID-derived 2.25 UIDs of its SHA-256); default random
   * UIDs. A caller that may write the same result again (a retried batch job) gives the same name,
   * so that a PACS keeps one series.
   */
  uidName?: string;
  /** Replace an existing output. */
  force?: boolean;
  backend?: CommandBackend;
  /** Worker threads sampling tiles and samples on WASM (default the cores available; the results do not depend on it). */
  workers?: number;
  log?: Log;
  /** Sampling progress of the call running `slices` (indices; up to SERIES_SLICES_PER_CALL of them). */
  onProgress?: (slices: readonly number[], progress: SamplingProgress) => void;
  signal?: AbortSignal;
}

export interface RunCommandResult {
  task: MedCDiffTask;
  format: 'dicom' | 'nifti';
  /** The result: DICOM instances (one per slice) or one NIfTI file. */
  files: string[];
  /** The standard-deviation map (samples > 1). */
  stdFiles: string[];
  slices: number[];
  /** [depth, rows, cols] of the result. */
  shape: [number, number, number];
  seriesInstanceUID?: string;
  /** The standard-deviation series (DICOM, samples > 1). */
  stdSeriesInstanceUID?: string;
}

/** The files a DICOM run writes into its output folder (writeInstances). */
const OWN_DICOM = /^(result|std)-\d+\.dcm$/;

/**
 * Applies a Med-cDiff model to a DICOM or NIfTI image, one slice at a time with the volume's
 * intensity statistics (per-patient normalisation, as the paper), and writes the derived output:
 * a new DICOM series in the source's study (research-only labels, geometry updated after
 * super-resolution) or a NIfTI file. Never overwrites without `force`.
 */
export async function runModel(o: RunCommandOptions): Promise<RunCommandResult> {
  const log = o.log ?? (() => {});
  parseIntegerOption('--slice', o.slice, 0);
  parseIntegerOption('--samples', o.samples, 1);
  parseIntegerOption('--steps', o.steps, 1);
  parseIntegerOption('--seed', o.seed, 0);
  if (o.slice !== undefined && o.allSlices) throw new UsageError('Give --slice or --all-slices, not both.');
  if (o.task !== undefined && !MED_CDIFF_TASKS.includes(o.task)) throw new UsageError(`Unknown task '${String(o.task)}'. Allowed: ${MED_CDIFF_TASKS.join(', ')}.`);
  const out = resolve(o.out);
  const nifti = /\.nii(\.gz)?$/i.test(out);
  const stdOut = nifti ? out.replace(/\.nii(\.gz)?$/i, (ext) => `_std${ext}`) : out;
  // Before any sampling: a result that cannot be written is better refused now than after minutes of work.
  assertWritable(nifti ? dirname(out) : out);
  // A _std file is part of its result's output: one left from an earlier run would sit beside a
  // result it does not belong to, so it counts as occupied even when this run writes none.
  if (!o.force && (occupied(out) || (nifti && occupied(stdOut)))) throw new OutputExistsError(`${occupied(out) ? out : stdOut} already exists; pass --force to replace it, or choose another --out.`);
  const foreign = nifti ? [] : foreignEntries(out, OWN_DICOM);
  if (o.force && foreign.length) {
    throw new OutputExistsError(
      `${out} holds files this command did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? `, and ${foreign.length - 3} more` : ''}); --force replaces only its own result-*.dcm and std-*.dcm, and the folder would then hold two series. Choose an empty --out.`,
    );
  }
  const task = o.task ?? (o.factor !== undefined ? 'super-resolution' : o.mask !== undefined ? 'inpainting' : undefined);
  if (o.factor !== undefined && task !== 'super-resolution') throw new UsageError(`--factor is for super-resolution, but the task is ${task}.`);
  if (o.mask !== undefined && task !== undefined && task !== 'inpainting') throw new UsageError(`--mask is for inpainting, but the task is ${task}.`);

  const volume = await readImageFile(o.input);
  const isDicom = volume.source.format === 'dicom' && !!volume.source.dicom?.length;
  if (!nifti && !isDicom) throw new UsageError(`${o.input} is not DICOM, so the output cannot be a derived DICOM series; give --out ending in .nii or .nii.gz.`);
  const depth = volume.shape[0];
  const slices = o.allSlices ? Array.from({ length: depth }, (_, k) => k) : [o.slice ?? Math.floor(depth / 2)];
  if (slices[0]! >= depth) throw new UsageError(`--slice ${slices[0]} is outside the image, which has ${depth} slice${depth === 1 ? '' : 's'} (0..${depth - 1}).`);

  const backend = o.backend ? (await useBackend(o.backend)).backend : tf.getBackend();
  const pipeline = typeof o.model === 'string' ? await loadPipeline(o.model, o.workers) : o.model;
  try {
    const effectiveTask = task ?? pipeline.task;
    const factor = effectiveTask === 'super-resolution' ? resolveFactor(o.factor, pipeline) : Number.NaN;
    if (effectiveTask === 'inpainting' && o.mask === undefined && pipeline.task === 'inpainting') throw new UsageError('Inpainting needs --mask: a .png or .nii/.nii.gz mask, or a rectangle x,y,w,h in pixels.');
    const { lowPercentile, highPercentile } = pipeline.model.config.normalization;
    // Per-patient normalisation (the paper's): the statistics of the whole volume, not of each slice.
    const normalization = computeNormalization(volume.data, { lowPercentile, highPercentile });
    const masks = effectiveTask === 'inpainting' && o.mask !== undefined ? readMask(o.mask, volume) : undefined;
    const options: RunOptions = {
      ...(o.sampler ? { sampler: o.sampler } : {}),
      ...(o.steps ? { steps: o.steps } : {}),
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
      ...(o.samples ? { samples: o.samples } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      normalization,
    };
    const sources: Image2D[] = [];
    const results: PipelineResult<Image2D>[] = [];
    const started = performance.now();
    // The viewer's calls: SERIES_SLICES_PER_CALL slices batched through the network, seeded
    // `seed + the position of the call's first slice`, so both give the same pixels for a series.
    for (let first = 0; first < slices.length; first += SERIES_SLICES_PER_CALL) {
      const ks = slices.slice(first, first + SERIES_SLICES_PER_CALL);
      const images = ks.map((k) => volumeSlice(volume, k));
      const call: RunOptions = { ...options, seed: (o.seed ?? 0) + first, ...(o.onProgress ? { onProgress: (p: SamplingProgress) => o.onProgress!(ks, p) } : {}) };
      const done =
        effectiveTask === 'super-resolution'
          ? await pipeline.superResolveSlices(images, { ...call, factor })
          : effectiveTask === 'denoising'
            ? await pipeline.denoiseSlices(images, call)
            : await pipeline.inpaintSlices(images, ks.map((k) => (masks ? masks(k) : new Uint8Array(0))), call);
      sources.push(...images);
      results.push(...done);
      log(`slice${ks.length > 1 ? `s ${ks[0]}-${ks.at(-1)}` : ` ${ks[0]}`} (${first + ks.length}/${slices.length}): ${images[0]!.shape.join(' x ')} -> ${done[0]!.image.shape.join(' x ')}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const first = results[0]!;
    const what = describe(effectiveTask, factor, first);
    const resultVolume = stackSlices(results.map((r) => r.image));
    const stdVolume = first.std ? { ...resultVolume, data: concat(results.map((r) => r.std!)) } : undefined;
    const written: RunCommandResult = { task: effectiveTask, format: nifti ? 'nifti' : 'dicom', files: [], stdFiles: [], slices, shape: [...resultVolume.shape] };
    if (nifti) {
      const gzip = /\.gz$/i.test(out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, writeNifti(resultVolume, { gzip, description: `${RESEARCH_LABEL} ${what}`.slice(0, 79) }));
      written.files.push(out);
      if (stdVolume) {
        writeFileSync(stdOut, writeNifti(stdVolume, { gzip, description: `${RESEARCH_LABEL} SD of ${first.samples} samples, ${what}`.slice(0, 79) }));
        written.stdFiles.push(stdOut);
      } else if (o.force) {
        // The earlier run's standard-deviation map belongs to the result just replaced.
        rmSync(stdOut, { force: true });
      }
    } else {
      if (o.force) removeOwnEntries(out, OWN_DICOM);
      mkdirSync(out, { recursive: true });
      const source = stackSlices(sources);
      const uids = (part: 'result' | 'std') => (o.uidName === undefined ? {} : { uids: namedDerivedUids(o.uidName, part, slices) });
      const series = writeDerivedSeries(resultVolume, source, { description: what, seriesLabel: label(effectiveTask, factor), ...uids('result') });
      written.files = writeInstances(out, 'result', series.files);
      written.seriesInstanceUID = series.seriesInstanceUID;
      if (stdVolume) {
        const std = writeSpreadSeries(stdVolume, source, { description: `per-pixel standard deviation over ${first.samples} samples of ${what}`, seriesLabel: `SD ${label(effectiveTask, factor)}`, seriesNumber: seriesNumber(volume) + 1001, samples: first.samples, ...uids('std') });
        written.stdFiles = writeInstances(out, 'std', std.files);
        written.stdSeriesInstanceUID = std.seriesInstanceUID;
      }
    }
    log(`wrote ${written.files.length} ${nifti ? 'NIfTI file' : 'DICOM instance'}${written.files.length === 1 ? '' : 's'} to ${nifti ? out : `${out}/`} (${what}; ${backend})${written.stdFiles.length ? `, and the standard-deviation map (${nifti ? 'float' : 'in colour'}) to ${written.stdFiles.length === 1 ? written.stdFiles[0] : `${out}/std-*.dcm`}` : ''}. Research use only: generated pixels, not for diagnosis.`);
    return written;
  } finally {
    if (typeof o.model === 'string') pipeline.dispose();
  }
}

/** The UIDs runModel writes with a `uidName`: of the result or the standard-deviation series, one instance per slice index. */
export function namedDerivedUids(uidName: string, part: 'result' | 'std', slices: readonly number[]): { series: string; instances: string[] } {
  return { series: uidFromName(`${uidName}/${part}`), instances: slices.map((k) => uidFromName(`${uidName}/${part}/${k}`)) };
}

function resolveFactor(factor: number | undefined, pipeline: MedCDiffPipeline): number {
  if (pipeline.task !== 'super-resolution') return factor ?? Number.NaN; // the pipeline says which weights are needed
  if (factor !== undefined) return factor;
  const trained = pipeline.model.config.degradation.factors;
  if (trained.length === 1) return trained[0]!;
  throw new UsageError(`Choose --factor: these weights were trained for ${trained.map((f) => +f.toFixed(3)).join(', ')}.`);
}

function describe(task: MedCDiffTask, factor: number, r: PipelineResult): string {
  const how = `${r.sampler}, ${r.steps} steps, ${r.temperature !== 1 ? `temperature ${r.temperature}, ` : ''}${r.samples === 1 ? '1 sample' : `mean of ${r.samples} samples`}`;
  return `Med-cDiff ${task === 'super-resolution' ? `super-resolution x${+factor.toFixed(3)}` : task} (${how})`;
}

function label(task: MedCDiffTask, factor: number): string {
  return task === 'super-resolution' ? `SR x${+factor.toFixed(3)}` : task === 'denoising' ? 'denoised' : 'inpainted';
}

function seriesNumber(volume: Volume): number {
  const n = Number((volume.source.dicomAttributes as { SeriesNumber?: unknown } | undefined)?.SeriesNumber);
  return Number.isFinite(n) ? n : 0;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function writeInstances(dir: string, prefix: string, files: Uint8Array[]): string[] {
  return files.map((bytes, i) => {
    const path = join(dir, `${prefix}-${String(i + 1).padStart(4, '0')}.dcm`);
    writeFileSync(path, bytes);
    return path;
  });
}

/**
 * The mask for slice k: from a rectangle 'x,y,w,h' (x the column, y the row of the top-left
 * pixel), a PNG (non-zero first channel) or a NIfTI file (one slice for all, or one per slice),
 * always on the slice's stored pixel grid.
 */
function readMask(spec: string, volume: Volume): (k: number) => Uint8Array {
  const [depth, rows, cols] = volume.shape;
  const rect = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(spec);
  if (rect) {
    const [x, y, w, h] = rect.slice(1).map(Number) as [number, number, number, number];
    if (w < 1 || h < 1 || x + w > cols || y + h > rows) throw new UsageError(`--mask ${spec}: the rectangle x,y,w,h must have w, h >= 1 and lie inside the ${cols} x ${rows} (columns x rows) slice.`);
    const mask = new Uint8Array(rows * cols);
    for (let r = y; r < y + h; r++) mask.fill(1, r * cols + x, r * cols + x + w);
    return () => mask;
  }
  const ext = extname(spec).toLowerCase();
  if (ext === '.png') {
    const mask = readPngMask(readFile(spec), spec, rows, cols);
    return () => mask;
  }
  if (/\.nii(\.gz)?$/i.test(spec)) {
    const m = readNifti(readFile(spec), { file: spec }).volume;
    const [md, mr, mc] = m.shape;
    if (mr !== rows || mc !== cols || (md !== 1 && md !== depth)) throw new InvalidInputError(`The mask ${basename(spec)} is ${md} x ${mr} x ${mc} (slices x rows x columns) but the image is ${depth} x ${rows} x ${cols}; give a mask with one slice, or one per slice, on the image's grid.`);
    return (k) => Uint8Array.from(m.data.subarray((md === 1 ? 0 : k) * rows * cols, ((md === 1 ? 0 : k) + 1) * rows * cols), (v) => (v ? 1 : 0));
  }
  throw new UsageError(`--mask ${spec}: give a .png or .nii/.nii.gz file, or a rectangle x,y,w,h.`);
}
