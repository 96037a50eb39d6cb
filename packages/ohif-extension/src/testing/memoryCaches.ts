import type { CacheLike, CacheStorageLike } from '@meddiff/diffusion-core';

/**
 * Cache Storage in memory for the Node tests (Node has no `caches`), the part the extension uses:
 * entries by URL; `delete(url, { ignoreSearch: true })` drops every query of a URL. `keys` lists a
 * cache's entries.
 */
export function memoryCaches(): CacheStorageLike & { keys(cacheName: string): string[] } {
  const caches = new Map<string, Map<string, Uint8Array>>();
  const entries = (name: string) => caches.get(name) ?? caches.set(name, new Map()).get(name)!;
  const bare = (url: string) => url.replace(/\?.*$/, '');
  return {
    keys: (name) => [...entries(name).keys()],
    async open(name): Promise<CacheLike> {
      const c = entries(name);
      return {
        match: async (key) => {
          const data = c.get(key);
          return data && new Response(data.slice());
        },
        put: async (key, response) => void c.set(key, new Uint8Array(await response.arrayBuffer())),
        delete: async (key, options) => {
          const doomed = [...c.keys()].filter((k) => (options?.ignoreSearch ? bare(k) === bare(key) : k === key));
          for (const k of doomed) c.delete(k);
          return doomed.length > 0;
        },
      };
    },
  };
}
