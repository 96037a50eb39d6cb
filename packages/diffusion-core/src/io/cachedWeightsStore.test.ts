import { describe, expect, it, vi } from 'vitest';
import { ConfigError, WeightsError } from '../errors';
import { memoryCacheStorage } from '../testing/memoryCacheStorage';
import { cachedWeightsStore, WEIGHTS_CACHE_NAME, type CacheStorageLike } from './cachedWeightsStore';
import { pinnedWeightsStore } from './pinnedWeightsStore';
import { sha256Hex } from './sha256';
import { memoryWeightsStore, type WeightsStore } from './weightsStore';

const BASE = 'https://models.example/denoising/';
const modelJson = new TextEncoder().encode('{"weightsManifest": []}');
const shard = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);

/** The files at BASE, as a server holds them; `reads` counts what was fetched, `offline` cuts the network. */
function server(files: Record<string, Uint8Array>) {
  const memory = memoryWeightsStore(files);
  const reads: string[] = [];
  let offline = false;
  const store: WeightsStore = {
    location: BASE,
    async read(path) {
      if (offline) throw new WeightsError('WEIGHTS_NOT_FOUND', `Could not fetch ${BASE}${path}: offline`);
      reads.push(path);
      return (await memory.read(path)).slice();
    },
    exists: (path) => memory.exists(path),
  };
  return { store, files: memory.files, reads, goOffline: () => void (offline = true) };
}

describe('cachedWeightsStore', () => {
  it('fetches a file of known digest once, then serves it from the cache with the network cut', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'weights.1.bin': shard });
    const expected = { sha256: await sha256Hex(shard), bytes: shard.byteLength };
    expect(await cachedWeightsStore(s.store, { caches }).read('weights.1.bin', expected)).toEqual(shard);
    expect(s.reads).toEqual(['weights.1.bin']);
    // Keyed by URL and digest.
    expect([...caches.entries(WEIGHTS_CACHE_NAME).keys()]).toEqual([`${BASE}weights.1.bin?meddiff-sha256=${expected.sha256}`]);
    s.goOffline();
    // A new store (a page reloaded) over the same cache.
    expect(await cachedWeightsStore(s.store, { caches }).read('weights.1.bin', expected)).toEqual(shard);
    expect(s.reads).toEqual(['weights.1.bin']);
  });

  it('reads a file of unknown digest from the network every time and keeps nothing', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'notes.txt': shard });
    const store = cachedWeightsStore(s.store, { caches });
    await store.read('notes.txt');
    await store.read('notes.txt');
    expect(s.reads).toEqual(['notes.txt', 'notes.txt']);
    expect(caches.entries(WEIGHTS_CACHE_NAME).size).toBe(0);
  });

  it('fetches a changed file (a new digest) again and drops the old copy', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'model.json': modelJson });
    const store = cachedWeightsStore(s.store, { caches });
    await store.read('model.json', { sha256: await sha256Hex(modelJson) });
    const changed = new TextEncoder().encode('{"weightsManifest": [1]}');
    s.files.set('model.json', changed);
    const digest = await sha256Hex(changed);
    expect(await store.read('model.json', { sha256: digest })).toEqual(changed);
    expect(s.reads).toEqual(['model.json', 'model.json']);
    expect([...caches.entries(WEIGHTS_CACHE_NAME).keys()]).toEqual([`${BASE}model.json?meddiff-sha256=${digest}`]);
  });

  it('deletes a damaged cached copy and fetches the file again', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'weights.1.bin': shard });
    const expected = { sha256: await sha256Hex(shard), bytes: shard.byteLength };
    await cachedWeightsStore(s.store, { caches }).read('weights.1.bin', expected);
    const [key, bytes] = [...caches.entries(WEIGHTS_CACHE_NAME)][0]!;
    bytes[5] = bytes[5]! ^ 0x01;
    expect(await cachedWeightsStore(s.store, { caches }).read('weights.1.bin', expected)).toEqual(shard);
    expect(s.reads).toEqual(['weights.1.bin', 'weights.1.bin']);
    expect(caches.entries(WEIGHTS_CACHE_NAME).get(key)).toEqual(shard);
    // A truncated copy (the size is checked before the digest) too.
    caches.entries(WEIGHTS_CACHE_NAME).set(key, shard.slice(0, 10));
    expect(await cachedWeightsStore(s.store, { caches }).read('weights.1.bin', expected)).toEqual(shard);
    expect(s.reads).toHaveLength(3);
  });

  it('returns a fetched file that differs from its digest for the reader to refuse, and does not cache it', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'weights.1.bin': shard });
    const store = pinnedWeightsStore(cachedWeightsStore(s.store, { caches }), { 'weights.1.bin': 'a'.repeat(64) });
    await expect(store.read('weights.1.bin')).rejects.toMatchObject({ code: 'WEIGHTS_CORRUPT' });
    expect(caches.entries(WEIGHTS_CACHE_NAME).size).toBe(0);
  });

  it('learns the digest of a pinned file from pinnedWeightsStore above it', async () => {
    const caches = memoryCacheStorage();
    const s = server({ 'mrm/model.json': modelJson });
    const pinned = { 'mrm/model.json': await sha256Hex(modelJson) };
    await pinnedWeightsStore(cachedWeightsStore(s.store, { caches }), pinned).read('mrm/model.json');
    s.goOffline();
    expect(await pinnedWeightsStore(cachedWeightsStore(s.store, { caches }), pinned).read('mrm/model.json')).toEqual(modelJson);
  });

  it('reads through the network when there is no Cache Storage, or it fails, and says so once', async () => {
    const s = server({ 'weights.1.bin': shard });
    const expected = { sha256: await sha256Hex(shard) };
    const none = vi.fn();
    const store = cachedWeightsStore(s.store, { caches: undefined, onCacheError: none });
    if ('caches' in globalThis) throw new Error('this test expects a context without Cache Storage (Node)');
    await store.read('weights.1.bin', expected);
    await store.read('weights.1.bin', expected);
    expect(s.reads).toHaveLength(2);
    expect(none).toHaveBeenCalledTimes(1);
    expect(none.mock.calls[0]![0].message).toMatch(/no Cache Storage/);

    const full: CacheStorageLike = {
      async open() {
        return {
          match: async () => undefined,
          delete: async () => false,
          put: async () => {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          },
        };
      },
    };
    const quota = vi.fn();
    const store2 = cachedWeightsStore(s.store, { caches: full, onCacheError: quota });
    expect(await store2.read('weights.1.bin', expected)).toEqual(shard);
    expect(await store2.read('weights.1.bin', expected)).toEqual(shard);
    expect(quota).toHaveBeenCalledTimes(1);
    expect(quota.mock.calls[0]![0].message).toMatch(/quota/);
  });

  it('refuses a store that is not at an http(s) URL', () => {
    expect(() => cachedWeightsStore(memoryWeightsStore())).toThrow(ConfigError);
    expect(() => cachedWeightsStore({ ...memoryWeightsStore(), location: 'file:///models/a/' })).toThrow(/http\(s\) URL, not file:\/\/\/models\/a\//);
  });
});
