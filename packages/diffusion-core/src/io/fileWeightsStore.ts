import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeightsError } from '../errors';
import type { WeightsStore } from './weightsStore';

/** A folder on disk, by path or file: URL (Node only). Writes go to a temporary file that is then renamed into place. */
export function fileWeightsStore(folder: string | URL): WeightsStore {
  const root = resolve(folder instanceof URL || folder.startsWith('file:') ? fileURLToPath(folder) : folder);
  return {
    location: root,
    async read(path) {
      const file = join(root, path);
      try {
        return new Uint8Array(await readFile(file));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new WeightsError('WEIGHTS_NOT_FOUND', code === 'ENOENT' ? `Missing weights file ${file}.` : `Cannot read ${file}: ${(e as Error).message}.`);
      }
    },
    async exists(path) {
      try {
        await stat(join(root, path));
        return true;
      } catch {
        return false;
      }
    },
    async write(path, data) {
      const file = join(root, path);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, file);
    },
    async remove(path) {
      await rm(join(root, path), { recursive: true, force: true });
    },
  };
}
