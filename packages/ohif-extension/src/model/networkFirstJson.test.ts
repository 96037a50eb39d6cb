import { describe, expect, it } from 'vitest';
import { memoryCaches } from '../testing/memoryCaches.js';
import { fetchJsonNetworkFirst, MODELS_INDEX_CACHE_NAME } from './networkFirstJson.js';

const URL_ = 'https://viewer.example/models/index.json';
const index = (digest: string) => ({ version: 1, models: [{ id: 'a', label: 'A', url: '/models/a/', pinned: { 'model.json': digest } }] });

/** A server answering `body` (or an HTTP status), or no network at all. */
function network(answer: () => unknown | number | 'down') {
  const calls: string[] = [];
  const fetchFn = (async (url: string) => {
    calls.push(url);
    const a = answer();
    if (a === 'down') throw new TypeError('Failed to fetch');
    if (typeof a === 'number') return new Response('no', { status: a, statusText: 'Service Unavailable' });
    return new Response(JSON.stringify(a));
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

describe('fetchJsonNetworkFirst', () => {
  it('returns the network copy while there is one, and the last one kept when the network is down or failing', async () => {
    const caches = memoryCaches();
    let answer: unknown = index('1'.repeat(64));
    const net = network(() => answer);
    expect(await fetchJsonNetworkFirst(URL_, { caches, fetch: net.fetch })).toEqual(index('1'.repeat(64)));
    expect(caches.keys(MODELS_INDEX_CACHE_NAME)).toEqual([URL_]);
    // A new index replaces the kept one.
    answer = index('2'.repeat(64));
    expect(await fetchJsonNetworkFirst(URL_, { caches, fetch: net.fetch })).toEqual(index('2'.repeat(64)));
    answer = 'down';
    expect(await fetchJsonNetworkFirst(URL_, { caches, fetch: net.fetch })).toEqual(index('2'.repeat(64)));
    answer = 503;
    expect(await fetchJsonNetworkFirst(URL_, { caches, fetch: net.fetch })).toEqual(index('2'.repeat(64)));
    expect(net.calls).toEqual([URL_, URL_, URL_, URL_]);
  });

  it('with the network down and nothing kept, says both', async () => {
    const err = await fetchJsonNetworkFirst(URL_, { caches: memoryCaches(), fetch: network(() => 'down').fetch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_NOT_FOUND', message: `${URL_} could not be fetched (Failed to fetch) and no copy of it is kept in this browser.` });
    await expect(fetchJsonNetworkFirst(URL_, { caches: memoryCaches(), fetch: network(() => 404).fetch })).rejects.toThrow(/HTTP 404/);
  });

  it('refuses a network answer that is not JSON, keeping nothing', async () => {
    const caches = memoryCaches();
    const notJson = (async () => new Response('<html>')) as unknown as typeof fetch;
    await expect(fetchJsonNetworkFirst(URL_, { caches, fetch: notJson })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/is not valid JSON/) });
    expect(caches.keys(MODELS_INDEX_CACHE_NAME)).toEqual([]);
  });

  it('without Cache Storage (plain-http origins, Node) is a plain fetch', async () => {
    if ('caches' in globalThis) throw new Error('this test expects a context without Cache Storage (Node)');
    const net = network(() => index('3'.repeat(64)));
    expect(await fetchJsonNetworkFirst(URL_, { fetch: net.fetch })).toEqual(index('3'.repeat(64)));
    await expect(fetchJsonNetworkFirst(URL_, { fetch: network(() => 'down').fetch })).rejects.toThrow(/no copy of it is kept/);
  });
});
