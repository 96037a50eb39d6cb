import { ConfigError, WeightsError } from '../errors';
import { sha256Hex } from './sha256';
import type { WeightsStore } from './weightsStore';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A store whose files named in `pinned` (relative path -> SHA-256, lowercase hex) must have those
 * digests: the files that describe a model (`model.json`, CDM's `cdm.json` and its parts'
 * `model.json`), whose own hashes pin every weight shard. Digests listed somewhere trusted (the
 * viewer's models index) thus verify the whole folder, not only the shards against a `model.json`
 * that could itself have been replaced. A pinned file that differs is WeightsError('WEIGHTS_CORRUPT').
 */
export function pinnedWeightsStore(store: WeightsStore, pinned: Readonly<Record<string, string>>): WeightsStore {
  for (const [path, digest] of Object.entries(pinned)) {
    if (!SHA256_HEX.test(digest)) throw new ConfigError(`pinnedWeightsStore: the digest for '${path}' must be 64 lowercase hex digits (SHA-256), got ${JSON.stringify(String(digest).slice(0, 80))}.`);
  }
  return {
    location: store.location,
    async read(path, hint) {
      const expected = pinned[path];
      const data = await store.read(path, expected !== undefined ? { sha256: expected } : hint);
      if (expected !== undefined) {
        const actual = await sha256Hex(data);
        if (actual !== expected) {
          throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${path} is not the file the models index lists (SHA-256 ${actual}, expected ${expected}): it was replaced or damaged. Reinstall the model.`);
        }
      }
      return data;
    },
    exists: (path) => store.exists(path),
  };
}
