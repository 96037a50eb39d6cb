import { join } from 'node:path';
import { OPEN_SOURCES } from '../dataset/openSources.js';
import { InvalidArgumentError } from '../errors.js';
import { loadOpenSource, openSourceById } from './loadOpenSource.js';
import { ensureDebianPackage } from './debian.js';
import { type VolumeGroup, writeDataset, type WriteDatasetOptions } from './writeDataset.js';

export interface BuildOpenDatasetOptions extends Omit<WriteDatasetOptions, 'name' | 'outDir'> {
  readonly cacheDir: string;
  /** Default 'open' (or 'open-<size>' when size is not 128). */
  readonly name?: string;
  /** Open source ids; default those marked inDefaultDataset. */
  readonly sources?: readonly string[];
  /** Keep only MR or CT sources. */
  readonly modality?: 'MR' | 'CT';
}

/**
 * Builds a slice dataset from the open scans of the Debian packages (fetched into the cache on first
 * use). A handful of subjects only: the split is still by subject, so validation slices come from scans
 * the model never saw.
 */
export function buildOpenDataset(options: BuildOpenDatasetOptions): ReturnType<typeof writeDataset> {
  const size = options.size ?? 128;
  const name = options.name ?? (size === 128 ? 'open' : `open-${size}`);
  let sources = options.sources ? options.sources.map(openSourceById) : OPEN_SOURCES.filter((s) => s.inDefaultDataset);
  if (options.modality) sources = sources.filter((s) => s.modality === options.modality);
  if (sources.length === 0) throw new InvalidArgumentError('buildOpenDataset', 'no open source matches the selection');
  for (const s of new Set(sources.map((x) => x.debianPackage))) ensureDebianPackage(s, options.cacheDir, options.log);
  const groups: VolumeGroup[] = sources.map((s) => {
    const provenance = [loadProvenanceOnly(s.id, options.cacheDir)];
    return {
      id: s.id,
      subject: s.subject,
      modality: s.modality,
      channelNames: ['image'],
      load: () => [loadOpenSource(s, options.cacheDir).volume],
      provenance,
    };
  });
  return writeDataset(groups, {
    ...options,
    name,
    outDir: join(options.cacheDir, 'datasets', name),
    notes:
      options.notes ??
      'Slices from open scans shipped in Debian packages (see each volume\'s provenance and licence). Few subjects: train/val split by subject. ' +
        'Axial slices after reorientation to LPS, per-volume robust normalisation to [-1, 1], padded to square with -1 and resized.',
  });
}

function loadProvenanceOnly(id: string, cacheDir: string) {
  const s = openSourceById(id);
  const p = ensureDebianPackage(s.debianPackage, cacheDir).provenance;
  return { kind: 'debian' as const, file: s.path, package: p.package, version: p.version, licence: p.licence, ...(p.upstream ? { upstream: p.upstream } : {}), sha256: p.sha256 };
}
