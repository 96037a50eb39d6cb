import type { CacheStorageLike } from '@meddiff/diffusion-core';
import { ModelLoadError } from '../errors.js';

/** The Cache Storage cache holding the last models index read from the network. */
export const MODELS_INDEX_CACHE_NAME = 'meddiff-models-index';

export interface NetworkFirstOptions {
  /** Default the browser's `caches`; without one (plain-http origins, Node) this is a plain fetch. */
  caches?: CacheStorageLike;
  cacheName?: string;
  fetch?: typeof fetch;
}

/**
 * Reads JSON network first: a response that is OK and parses is kept in Cache Storage and returned;
 * when the request fails or answers an error, the copy kept last time is returned instead, so the
 * models index (whose digests name the cached model files) is there offline. No copy either: a
 * ModelLoadError('MODEL_NOT_FOUND') saying both. Cache errors never fail a read that worked.
 */
export async function fetchJsonNetworkFirst(url: string, options: NetworkFirstOptions = {}): Promise<unknown> {
  const key = new URL(url, globalThis.location?.href).href;
  const caches = options.caches ?? (globalThis as { caches?: CacheStorageLike }).caches;
  const cache = caches && (await caches.open(options.cacheName ?? MODELS_INDEX_CACHE_NAME).catch(() => undefined));
  let problem: string;
  try {
    const response = await (options.fetch ?? fetch)(key);
    if (response.ok) {
      const text = await response.text();
      const json: unknown = JSON.parse(text);
      await cache?.put(key, new Response(text, { headers: { 'Content-Type': 'application/json' } })).catch(() => undefined);
      return json;
    }
    problem = `HTTP ${response.status} ${response.statusText}`.trim();
  } catch (e) {
    if (e instanceof SyntaxError) throw new ModelLoadError('MODEL_NOT_FOUND', `${key} is not valid JSON (${e.message}).`);
    problem = (e as Error).message;
  }
  const kept = await cache?.match(key).catch(() => undefined);
  if (!kept) throw new ModelLoadError('MODEL_NOT_FOUND', `${key} could not be fetched (${problem}) and no copy of it is kept in this browser.`);
  return JSON.parse(await kept.text()) as unknown;
}
