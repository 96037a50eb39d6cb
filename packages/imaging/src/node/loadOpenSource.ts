import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import type { Volume } from '../image.js';
import { OPEN_SOURCES, type OpenSource } from '../dataset/openSources.js';
import { readInv3 } from '../dataset/readInv3.js';
import { readNifti } from '../nifti/readNifti.js';
import { readNpz } from '../npy/readNpy.js';
import type { Provenance } from '../dataset/manifest.js';
import { ensureDebianPackage, openDataFile } from './debian.js';

export function openSourceById(id: string): OpenSource {
  const s = OPEN_SOURCES.find((x) => x.id === id);
  if (!s) throw new InvalidArgumentError('openSourceById', `unknown open source "${id}"; choose from ${OPEN_SOURCES.map((x) => x.id).join(', ')}`);
  return s;
}

/** Reads an open source from the cache (fetching its package first if `fetch` is true). */
export function loadOpenSource(source: OpenSource, cacheDir: string, fetch = false): { volume: Volume; provenance: Provenance } {
  if (fetch) ensureDebianPackage(source.debianPackage, cacheDir);
  const path = openDataFile(cacheDir, source.debianPackage, source.path);
  const prov = ensureDebianPackage(source.debianPackage, cacheDir).provenance;
  const bytes = new Uint8Array(readFileSync(path));
  let volume: Volume;
  if (source.format === 'nifti') volume = readNifti(bytes, { file: source.path, modality: source.modality }).volume;
  else if (source.format === 'inv3') volume = { ...readInv3(bytes, source.path), modality: source.modality };
  else {
    const arrays = readNpz(bytes, source.path);
    const arr = Object.values(arrays)[0];
    if (!arr || arr.shape.length !== 3) throw new InvalidArgumentError('loadOpenSource', `${source.path} does not hold a 3-D array`);
    const [nz, ny, nx] = arr.shape as [number, number, number];
    volume = {
      data: arr.data,
      shape: [nz, ny, nx],
      // The .npz keeps no spacing or orientation: unit voxels, axis-aligned.
      geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      modality: source.modality,
      source: { format: 'npy', files: [source.path], description: source.description },
    };
  }
  return {
    volume: { ...volume, source: { ...volume.source, description: source.description } },
    provenance: {
      kind: 'debian',
      file: source.path,
      package: prov.package,
      version: prov.version,
      licence: prov.licence,
      ...(prov.upstream ? { upstream: prov.upstream } : {}),
      sha256: prov.sha256,
    },
  };
}
