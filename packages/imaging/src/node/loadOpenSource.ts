import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'fflate';
import { InvalidArgumentError } from '../errors.js';
import type { Volume } from '../image.js';
import { OPEN_SOURCES, type OpenSource } from '../dataset/openSources.js';
import { readInv3 } from '../dataset/readInv3.js';
import { readDicom } from '../dicom/readDicom.js';
import { readMetaImage } from '../metaimage/readMetaImage.js';
import { readNifti } from '../nifti/readNifti.js';
import { readNpy, readNpz, type NpyArray } from '../npy/readNpy.js';
import { readPng } from '../png/readPng.js';
import { readRaw } from '../raw/readRaw.js';
import type { Provenance } from '../dataset/manifest.js';
import { ensureDebianPackage, openDataFile } from './debian.js';

export function openSourceById(id: string): OpenSource {
  const s = OPEN_SOURCES.find((x) => x.id === id);
  if (!s) throw new InvalidArgumentError('openSourceById', `unknown open source "${id}"; choose from ${OPEN_SOURCES.map((x) => x.id).join(', ')}`);
  return s;
}

/** A NumPy array of 2 or 3 dimensions as a volume: no spacing or orientation is stored, so unit voxels, axis-aligned. */
function arrayVolume(arr: NpyArray | undefined, source: OpenSource): Volume {
  if (!arr || (arr.shape.length !== 3 && arr.shape.length !== 2)) throw new InvalidArgumentError('loadOpenSource', `${source.path} does not hold a 2-D or 3-D array`);
  const [nz, ny, nx] = (arr.shape.length === 3 ? arr.shape : [1, ...arr.shape]) as [number, number, number];
  const [sx, sy] = source.pixelSpacing ?? [1, 1];
  return {
    data: arr.data,
    shape: [nz, ny, nx],
    geometry: { spacing: [sx, sy, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    source: { format: 'npy', files: [source.path] },
  };
}

/** Reads a source of any format except DICOM, whose decoders load asynchronously (see loadOpenSourceAsync). */
function readSync(source: OpenSource, path: string, bytes: Uint8Array): Volume {
  const file = source.path;
  switch (source.format) {
    case 'nifti':
      return readNifti(bytes, { file, ...(source.volumeIndex === undefined ? {} : { volumeIndex: source.volumeIndex }) }).volume;
    case 'inv3':
      return readInv3(bytes, file);
    case 'npz':
      return arrayVolume(Object.values(readNpz(bytes, file))[0], source);
    case 'npy':
      return arrayVolume(readNpy(bytes, file), source);
    case 'png':
      return readPng(bytes, { file, ...(source.pixelSpacing ? { spacing: source.pixelSpacing } : {}) });
    case 'metaimage':
      // A .mhd (or an .mha that names a data file) keeps its values beside it: read it from the same folder.
      return readMetaImage(bytes, { file, readDataFile: (name) => new Uint8Array(readFileSync(join(dirname(path), name))) });
    case 'raw':
      if (!source.raw) throw new InvalidArgumentError('loadOpenSource', `${source.id} is a raw file but its entry gives no layout (raw)`);
      return readRaw(bytes, source.raw, file);
    case 'dicom':
      throw new InvalidArgumentError('loadOpenSource', `${source.id} is DICOM, whose decoders load asynchronously: use loadOpenSourceAsync`);
  }
}

function provenanceOf(source: OpenSource, cacheDir: string): Provenance {
  const prov = ensureDebianPackage(source.debianPackage, cacheDir).provenance;
  return {
    kind: 'debian',
    file: source.path,
    package: prov.package,
    version: prov.version,
    licence: prov.licence,
    ...(prov.upstream ? { upstream: prov.upstream } : {}),
    sha256: prov.sha256,
  };
}

function finish(volume: Volume, source: OpenSource, cacheDir: string): { volume: Volume; provenance: Provenance } {
  return { volume: { ...volume, modality: source.modality, source: { ...volume.source, description: source.description } }, provenance: provenanceOf(source, cacheDir) };
}

function sourceBytes(source: OpenSource, cacheDir: string, fetch: boolean): { path: string; bytes: Uint8Array } {
  if (fetch) ensureDebianPackage(source.debianPackage, cacheDir);
  const path = openDataFile(cacheDir, source.debianPackage, source.path);
  let bytes: Uint8Array = new Uint8Array(readFileSync(path));
  // pydicom and nibabel ship some DICOM files gzip-compressed (*.dcm.gz).
  if (source.format === 'dicom' && source.path.endsWith('.gz')) bytes = gunzipSync(bytes);
  return { path, bytes };
}

/**
 * Reads an open source from the cache (fetching its package first if `fetch` is true). Synchronous, for
 * every format but DICOM (use loadOpenSourceAsync, which reads all of them).
 */
export function loadOpenSource(source: OpenSource, cacheDir: string, fetch = false): { volume: Volume; provenance: Provenance } {
  const { path, bytes } = sourceBytes(source, cacheDir, fetch);
  return finish(readSync(source, path, bytes), source, cacheDir);
}

/** Reads an open source of any format, DICOM included, from the cache. */
export async function loadOpenSourceAsync(source: OpenSource, cacheDir: string, fetch = false): Promise<{ volume: Volume; provenance: Provenance }> {
  const { path, bytes } = sourceBytes(source, cacheDir, fetch);
  const volume = source.format === 'dicom' ? await readDicom(bytes, { file: source.path }) : readSync(source, path, bytes);
  return finish(volume, source, cacheDir);
}
