import { WeightsError } from '../errors';

/** What a reader knows of a file before reading it: its SHA-256 (lowercase hex) and, where listed, its size. */
export interface ExpectedFile {
  readonly sha256: string;
  readonly bytes?: number;
}

/**
 * Where a model's files live. Paths are relative (`model.json`, `weights.1.bin`). Reading a path
 * that does not exist throws WeightsError('WEIGHTS_NOT_FOUND'). `write` replaces a file atomically:
 * a reader never sees half a file.
 */
export interface WeightsStore {
  /** Shown in error messages, e.g. a folder or a URL. */
  readonly location: string;
  /**
   * `expected` is what the reader knows of the file (the models index pins JSON files, model.json
   * lists each shard): a store may use it, as cachedWeightsStore serves a copy it holds with that
   * digest, and wrappers pass it on. It is a hint, not a check: the reader still verifies.
   */
  read(path: string, expected?: ExpectedFile): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  write?(path: string, data: Uint8Array): Promise<void>;
  /** Deletes a file or folder if present (used to prune old checkpoints). */
  remove?(path: string): Promise<void>;
}

/** A store in memory: for tests, and for weights a browser already holds (e.g. from IndexedDB). */
export function memoryWeightsStore(files: Record<string, Uint8Array> = {}): WeightsStore & { files: Map<string, Uint8Array> } {
  const map = new Map(Object.entries(files));
  return {
    location: 'memory',
    files: map,
    async read(path) {
      const data = map.get(path);
      if (!data) {
        throw new WeightsError('WEIGHTS_NOT_FOUND', `No file '${path}' in the in-memory weights store.`);
      }
      return data;
    },
    async exists(path) {
      return map.has(path);
    },
    async write(path, data) {
      map.set(path, data.slice());
    },
    async remove(path) {
      for (const key of [...map.keys()]) if (key === path || key.startsWith(`${path}/`)) map.delete(key);
    },
  };
}
