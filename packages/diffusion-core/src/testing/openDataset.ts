import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Slices of the open-scan dataset that `scripts/setup.sh` builds (real brain MRI and CT from
 * Debian packages, normalised to [-1, 1]), read directly so this package needs no dependency
 * on @meddiff/imaging. Test-only.
 */
export function readOpenSlices(name: 'open-64' | 'open', split: 'train' | 'val'): { data: Float32Array; count: number; size: number } {
  const dir = join(process.env.MEDDIFF_CACHE ?? join(REPO_ROOT, '.cache'), 'datasets', name);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`The open-scan dataset is missing at ${dir}. Run the set-up step first: scripts/setup.sh (or npm run -w @meddiff/imaging setup-data).`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { size: [number, number]; channels: string[]; splits: Record<string, { file: string; count: number }> };
  const entry = manifest.splits[split]!;
  const bytes = readFileSync(join(dir, entry.file));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (manifest.channels.length !== 1) throw new Error('expected single-channel slices');
  return { data, count: entry.count, size: manifest.size[0] };
}

/** Crops every slice to its centre `patch` x `patch` region. */
export function centreCrop(slices: { data: Float32Array; count: number; size: number }, patch: number): Float32Array {
  const { data, count, size } = slices;
  const out = new Float32Array(count * patch * patch);
  const off = Math.floor((size - patch) / 2);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < patch; y++) {
      const src = n * size * size + (y + off) * size + off;
      out.set(data.subarray(src, src + patch), n * patch * patch + y * patch);
    }
  }
  return out;
}
