import { WeightsError } from '../errors';
import { httpWeightsStore } from './httpWeightsStore';
import type { WeightsStore } from './weightsStore';

/** This package's Node entry, named in a variable so that bundlers never follow it into node: modules. */
const NODE_ENTRY: string = '@meddiff/diffusion-core/node';

const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** An absolute URL, or undefined for a path (a Windows drive letter is a path, not a scheme). */
function absoluteUrl(source: string | URL): URL | undefined {
  if (source instanceof URL) return source;
  if (/^[a-z]:[\\/]/i.test(source)) return undefined;
  try {
    return new URL(source);
  } catch {
    return undefined;
  }
}

/**
 * The weights store for where a model is: a store as it is; an http(s) URL over HTTP; in Node, a
 * folder path or a file: URL from the disk; in a browser, a relative URL against the page. The
 * file store comes from the Node entry, imported only in Node, so browser bundles never include it.
 */
export async function openWeightsStore(source: WeightsStore | string | URL): Promise<WeightsStore> {
  if (typeof source !== 'string' && !(source instanceof URL)) return source;
  const url = absoluteUrl(source);
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return httpWeightsStore(url);
  if (url && url.protocol !== 'file:') throw new WeightsError('WEIGHTS_NOT_FOUND', `Cannot load weights from ${url.href}: give an http(s) URL, or in Node a folder path or file: URL.`);
  if (!inNode) {
    if (url) throw new WeightsError('WEIGHTS_NOT_FOUND', `A browser cannot read ${url.href}: serve the model folder over HTTP and give its URL.`);
    return httpWeightsStore(source);
  }
  const { fileWeightsStore } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ENTRY)) as typeof import('../node');
  return fileWeightsStore(url ?? String(source));
}
