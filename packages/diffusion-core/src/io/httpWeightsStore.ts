import { WeightsError } from '../errors';
import type { WeightsStore } from './weightsStore';

/** Read-only store over HTTP(S): files are fetched relative to `baseUrl` (a folder URL). */
export function httpWeightsStore(baseUrl: string | URL, init: RequestInit = {}): WeightsStore {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`, globalThis.location?.href);
  // fetch cannot read file: URLs; say what works instead of failing later with a network message.
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new WeightsError('WEIGHTS_NOT_FOUND', `httpWeightsStore reads http(s) URLs, not ${base.href}; in Node, load a folder path or file: URL with openWeightsStore (or fileWeightsStore from '@meddiff/diffusion-core/node').`);
  }
  const urlOf = (path: string) => new URL(path, base).toString();
  return {
    location: base.toString(),
    async read(path) {
      const url = urlOf(path);
      let response: Response;
      try {
        response = await fetch(url, init);
      } catch (e) {
        throw new WeightsError('WEIGHTS_NOT_FOUND', `Could not fetch ${url}: ${(e as Error).message}. Check the URL and that the server allows this origin (CORS).`);
      }
      if (!response.ok) {
        throw new WeightsError('WEIGHTS_NOT_FOUND', `Fetching ${url} failed with HTTP ${response.status} ${response.statusText}.`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
    async exists(path) {
      try {
        const response = await fetch(urlOf(path), { ...init, method: 'HEAD' });
        return response.ok;
      } catch {
        return false;
      }
    },
  };
}
