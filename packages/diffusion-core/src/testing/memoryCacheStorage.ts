import type { CacheLike, CacheStorageLike } from '../io/cachedWeightsStore';

/**
 * Cache Storage in memory, as browsers implement the part cachedWeightsStore uses (Node has no
 * `caches`): entries by URL, `delete(url, { ignoreSearch: true })` dropping every query of a URL.
 * `entries` shows a cache's keys and bytes to tests, which may also damage them.
 */
export function memoryCacheStorage(): CacheStorageLike & { entries(cacheName: string): Map<string, Uint8Array> } {
  const caches = new Map<string, Map<string, Uint8Array>>();
  const entries = (name: string) => {
    let c = caches.get(name);
    if (!c) caches.set(name, (c = new Map()));
    return c;
  };
  const withoutSearch = (url: string) => {
    const u = new URL(url);
    u.search = '';
    return u.href;
  };
  return {
    entries,
    async open(name): Promise<CacheLike> {
      const c = entries(name);
      return {
        async match(key) {
          const data = c.get(new URL(key).href);
          return data && new Response(data.slice());
        },
        async put(key, response) {
          c.set(new URL(key).href, new Uint8Array(await response.arrayBuffer()));
        },
        async delete(key, options) {
          const target = options?.ignoreSearch ? withoutSearch(key) : new URL(key).href;
          let deleted = false;
          for (const k of [...c.keys()]) {
            if ((options?.ignoreSearch ? withoutSearch(k) : k) === target) deleted = c.delete(k) || deleted;
          }
          return deleted;
        },
      };
    },
  };
}
