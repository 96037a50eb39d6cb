import { ConfigError } from '../errors';
import { sha256Hex } from './sha256';
import type { ExpectedFile, WeightsStore } from './weightsStore';

/** The part of the browser's Cache Storage (`caches`) that cachedWeightsStore uses. */
export interface CacheStorageLike {
  open(cacheName: string): Promise<CacheLike>;
}

/** The part of a browser `Cache` that cachedWeightsStore uses. */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string, options?: { ignoreSearch?: boolean }): Promise<boolean>;
}

export interface CachedWeightsStoreOptions {
  /** Default `globalThis.caches`, which pages and workers have in secure contexts only (https, localhost). */
  caches?: CacheStorageLike;
  /** Default WEIGHTS_CACHE_NAME. */
  cacheName?: string;
  /** Told once, the first time the cache cannot be used (none here, quota, storage error); default console.warn. */
  onCacheError?: (error: Error) => void;
}

/** The Cache Storage cache that holds model files; delete it (`caches.delete(WEIGHTS_CACHE_NAME)`) to empty it. */
export const WEIGHTS_CACHE_NAME = 'meddiff-weights';

/** The query parameter of a cache key that holds the file's SHA-256. */
const DIGEST_PARAM = 'meddiff-sha256';

/**
 * A store over `store` (files fetched from an http(s) URL) that keeps every file whose digest its
 * reader knows (the `expected` of `read`) in the browser's Cache Storage, under the file's URL with
 * its SHA-256 as a query (`.../weights.1.bin?meddiff-sha256=<hex>`). Such a read is served from the
 * cache when the cached bytes have that digest (and size, where given); a cached copy that differs
 * is deleted and the file fetched again, and a fetched file is cached only when it has the digest,
 * replacing the copies of other digests at its URL. A model whose index lists a new digest thus
 * misses the cache and is fetched; one read before works offline. Files read without a digest go
 * to `store` every time. Where the cache cannot be used, reads go to `store` and `onCacheError` is
 * told once; loading never fails because of the cache.
 */
export function cachedWeightsStore(store: WeightsStore, options: CachedWeightsStoreOptions = {}): WeightsStore {
  const base = baseUrl(store.location);
  const cacheName = options.cacheName ?? WEIGHTS_CACHE_NAME;
  const onCacheError = options.onCacheError ?? ((e: Error) => console.warn(`Model files are not cached in this browser (${e.message}); they are fetched every time.`));
  let cache: Promise<CacheLike | undefined> | undefined;
  let failed = false;

  /** Runs a cache operation; the first failure is reported and turns the cache off for this store. */
  const guarded = async <T>(op: (c: CacheLike) => Promise<T>): Promise<T | undefined> => {
    const c = await (cache ??= openCache(options.caches, cacheName).catch((e: unknown) => fail(e)));
    if (!c || failed) return undefined;
    try {
      return await op(c);
    } catch (e) {
      return fail(e);
    }
  };
  const fail = (e: unknown): undefined => {
    if (!failed) onCacheError(e instanceof Error ? e : new Error(String(e)));
    failed = true;
    return undefined;
  };

  return {
    location: store.location,
    async read(path, expected) {
      if (!expected) return store.read(path);
      const url = new URL(path, base);
      const key = new URL(url);
      key.searchParams.set(DIGEST_PARAM, expected.sha256);
      const cached = await guarded(async (c) => {
        const hit = await c.match(key.href);
        return hit && new Uint8Array(await hit.arrayBuffer());
      });
      if (cached && (await matches(cached, expected))) return cached;
      if (cached) await guarded((c) => c.delete(key.href));
      const data = await store.read(path, expected);
      if (await matches(data, expected)) {
        await guarded(async (c) => {
          await c.delete(url.href, { ignoreSearch: true });
          await c.put(key.href, new Response(data.slice(), { headers: { 'Content-Type': 'application/octet-stream' } }));
        });
      }
      return data;
    },
    exists: (path) => store.exists(path),
  };
}

function baseUrl(location: string): URL {
  let url: URL;
  try {
    url = new URL(location.endsWith('/') ? location : `${location}/`);
  } catch {
    throw new ConfigError(`cachedWeightsStore caches files fetched from an http(s) URL; the store's location '${location}' is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`cachedWeightsStore caches files fetched from an http(s) URL, not ${url.href}.`);
  return url;
}

async function openCache(given: CacheStorageLike | undefined, cacheName: string): Promise<CacheLike> {
  const storage = given ?? (globalThis as { caches?: CacheStorageLike }).caches;
  if (!storage) throw new Error('this context has no Cache Storage; browsers give it to pages and workers served over https or from localhost only');
  return storage.open(cacheName);
}

async function matches(data: Uint8Array, expected: ExpectedFile): Promise<boolean> {
  if (expected.bytes !== undefined && data.byteLength !== expected.bytes) return false;
  return (await sha256Hex(data)) === expected.sha256;
}
