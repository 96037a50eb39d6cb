import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { computeNormalization, reorientLike, reorientToLPS, stackSlices, volumeSlice, writeDerivedSeries, writeNifti, type Image2D, type Volume } from '@meddiff/imaging';
import { foreignEntries, readImageFile, removeOwnEntries } from '@meddiff/imaging/node';
import { InvalidInputError } from '../errors';
import { resolveRequest, type Modality } from '../modalities';
import { checkCoregistered } from '../pipeline/coregistration';
import type { CdmPipeline, TranslateProgress } from '../pipeline/cdmPipeline';
import { loadPipeline, occupied, useBackend, type CommandBackend, type Log } from './common';
import { OutputExistsError, UsageError } from './errors';

export interface RunCommandOptions {
  /** A model folder, an http(s) URL, or a loaded pipeline (then it is not disposed). */
  model: string | CdmPipeline;
  /** Source contrast -> a NIfTI file or a DICOM series folder (or file), co-registered with each other. */
  sources: Record<Modality, string>;
  /** Contrasts to produce; default all the model's targets. */
  targets?: Modality[];
  /** Output folder: `<target>.nii.gz` per target, or `<target>/` DICOM series. */
  out: string;
  /** 'dicom' needs DICOM sources (the result joins their study); default dicom when the first source is DICOM, else nifti. */
  format?: 'nifti' | 'dicom';
  /** Axial slice indices (after orientation to LPS); default all. */
  slices?: number[];
  samples?: number;
  ddimSteps?: number;
  seed?: number;
  force?: boolean;
  backend?: CommandBackend;
  log?: Log;
  onProgress?: (slice: number, p: TranslateProgress) => void;
  signal?: AbortSignal;
}

export interface RunCommandResult {
  format: 'nifti' | 'dicom';
  files: string[];
  slices: number[];
  shape: [number, number, number];
}

/** The instances a DICOM run writes into each target's folder. */
const OWN_DICOM = /^IM\d{4,}\.dcm$/;

/**
 * Translates co-registered source volumes slice by slice (axial, after orientation to LPS) and
 * writes each target as a NIfTI file or as a derived DICOM series of the first source's study.
 * Slices where a source has no contrast (blank) come out as the target's background.
 */
export async function runModel(o: RunCommandOptions): Promise<RunCommandResult> {
  const log = o.log ?? (() => undefined);
  const out = resolve(o.out);
  if (occupied(out) && !o.force) throw new OutputExistsError(`${out} is not empty; choose another --out or pass --force.`);
  const names = Object.keys(o.sources);
  if (!names.length) throw new UsageError('Give at least one source: --source T1=<file>.');
  if (o.backend) log(`backend: ${(await useBackend(o.backend)).summary}`);
  const owned = typeof o.model === 'string';
  const pipeline = typeof o.model === 'string' ? await loadPipeline(o.model) : o.model;
  try {
    const config = pipeline.model.config;
    const targets = o.targets?.length ? o.targets : [...config.modalities.targets];
    const { targetIndices } = resolveRequest(config.modalities, names, targets);
    const volumes: Record<string, Volume> = {};
    // Translated in LPS order (axial slices as radiologists view them), written back in the first source's.
    let storedDirection: Volume['geometry']['direction'] | undefined;
    for (const name of names) {
      const stored = await readImageFile(o.sources[name]!);
      storedDirection ??= stored.geometry.direction;
      volumes[name] = reorientToLPS(stored);
    }
    const first = volumes[names[0]!]!;
    const [depth] = first.shape;
    // Whole volumes must share one grid: compare them as their first slices (same shape, spacing, position, orientation, frame).
    checkCoregistered(Object.fromEntries(names.map((n) => [n, { ...volumeSlice(volumes[n]!, 0) }])));
    for (const n of names) if (volumes[n]!.shape[0] !== depth) throw new InvalidInputError(`${n} has ${volumes[n]!.shape[0]} slices but ${names[0]} has ${depth}; give co-registered volumes.`);
    const format = o.format ?? (first.source.format === 'dicom' ? 'dicom' : 'nifti');
    if (format === 'dicom' && !first.source.dicom?.length) throw new UsageError(`DICOM output joins the first source's study, but ${names[0]} is not a DICOM series; use --format nifti.`);
    const targetNames = targets.map((_, j) => config.modalities.targets[targetIndices[j]!]!);
    // Checked before any slice is translated: --force replaces this command's own instances, and
    // a target folder holding anything else would end up with two series in it.
    if (format === 'dicom' && o.force) {
      for (const target of targetNames) {
        const foreign = foreignEntries(join(out, target), OWN_DICOM);
        if (foreign.length) {
          throw new OutputExistsError(
            `${join(out, target)} holds files this command did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? `, and ${foreign.length - 3} more` : ''}); --force replaces only its own IM*.dcm, and the folder would then hold two series. Choose another --out.`,
          );
        }
      }
    }
    const ks = o.slices ?? Array.from({ length: depth }, (_, k) => k);
    for (const k of ks) if (!Number.isInteger(k) || k < 0 || k >= depth) throw new UsageError(`Slice ${k} is outside 0..${depth - 1}.`);
    const results = targets.map(() => [] as Image2D[]);
    for (const k of ks) {
      const slices = Object.fromEntries(names.map((n) => [n, volumeSlice(volumes[n]!, k)]));
      const blank = names.some((n) => isBlank(slices[n]!.data, config.normalization));
      if (blank) {
        // Nothing to translate: background at the first source's lowest value.
        const s = slices[names[0]!]!;
        let min = Infinity;
        for (const v of s.data) if (v < min) min = v;
        targets.forEach((_, j) => results[j]!.push({ ...s, data: new Float32Array(s.data.length).fill(min) }));
        continue;
      }
      const r = await pipeline.translate(slices, targets, {
        ...(o.samples ? { samples: o.samples } : {}),
        ...(o.ddimSteps ? { ddimSteps: o.ddimSteps } : {}),
        seed: (o.seed ?? 0) + k,
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (p) => o.onProgress?.(k, p),
      });
      targets.forEach((t, j) => results[j]!.push({ ...slices[names[0]!]!, data: r.images[t]!.data }));
    }
    mkdirSync(out, { recursive: true });
    const files: string[] = [];
    for (const [j, target] of targetNames.entries()) {
      const volume = { ...stackSlices(results[j]!, first.source), modality: 'MR' } as Volume;
      if (format === 'nifti') {
        const file = join(out, `${target}.nii.gz`);
        const derived = { ...volume, source: { format: 'derived' as const, files: [], description: `CDM ${names.join('+')} -> ${target} (research only)` } };
        writeFileSync(file, writeNifti(reorientLike(derived, storedDirection!), { gzip: true }));
        files.push(file);
      } else {
        const source = ks.length === depth ? first : stackSlices(ks.map((k) => volumeSlice(first, k)));
        const series = writeDerivedSeries(volume, source, { description: `CDM translation ${names.join(' + ')} to ${target} (MDN DDIM ${o.ddimSteps ?? config.mdn.samplingSteps} steps, seed ${o.seed ?? 0})`, seriesLabel: `CDM ${target}` });
        const dir = join(out, target);
        // An earlier run's instances (more slices, another series UID) must not stay beside the new series.
        removeOwnEntries(dir, OWN_DICOM);
        mkdirSync(dir, { recursive: true });
        series.files.forEach((bytes, k) => {
          const file = join(dir, `IM${String(k + 1).padStart(4, '0')}.dcm`);
          writeFileSync(file, bytes);
          files.push(file);
        });
      }
      log(`${target}: ${format === 'nifti' ? files[files.length - 1] : join(out, target)}`);
    }
    return { format, files, slices: ks, shape: [ks.length, first.shape[1], first.shape[2]] };
  } finally {
    if (owned) pipeline.dispose();
  }
}

/** A slice whose normalisation percentiles coincide (e.g. all air) has nothing to translate. */
function isBlank(data: Float32Array, normalization: { lowPercentile: number; highPercentile: number }): boolean {
  try {
    computeNormalization(data, normalization);
    return false;
  } catch {
    return true;
  }
}
