import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { WEIGHTS_CACHE_NAME } from '@meddiff/diffusion-core';
import { memoryCaches } from '../testing/memoryCaches.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import { loadWorkerModel } from './loadWorkerModel.js';

let server: WeightsServer;
beforeAll(async () => {
  server = await startWeightsServer();
});
afterAll(async () => {
  await server?.close();
});

/** The models index's pins for a folder: the SHA-256 of each of its JSON files, as served. */
async function pins(folder: string, files: string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(files.map(async (f) => [f, createHash('sha256').update(new Uint8Array(await (await fetch(new URL(f, folder))).arrayBuffer())).digest('hex')]));
  return Object.fromEntries(entries);
}

describe('models loaded from a URL are cached by digest', () => {
  it('load again from the cache with the server gone; with no cache they cannot', async () => {
    const caches = memoryCaches();
    const medCDiff = await pins(server.good, ['model.json']);
    const cdmFiles = ['cdm.json', 'mrm/model.json', 'mdn/model.json', 'cunet/model.json'];
    const cdm = await pins(server.cdm, cdmFiles);
    (await loadWorkerModel(server.good, 'med-cdiff', medCDiff, { caches })).dispose();
    (await loadWorkerModel(server.cdm, 'cdm', cdm, { caches })).dispose();
    const kept = caches.keys(WEIGHTS_CACHE_NAME);
    // The pinned JSON files and every shard their model.json files list, each under its digest.
    for (const [file, digest] of Object.entries({ ...medCDiff })) expect(kept).toContain(`${server.good}${file}?meddiff-sha256=${digest}`);
    for (const [file, digest] of Object.entries(cdm)) expect(kept).toContain(`${server.cdm}${file}?meddiff-sha256=${digest}`);
    expect(kept.filter((k) => /\.bin\?meddiff-sha256=[0-9a-f]{64}$/.test(k)).length).toBeGreaterThanOrEqual(4);

    await server.close();
    const again = await loadWorkerModel(server.good, 'med-cdiff', medCDiff, { caches });
    expect(again.card.family).toBe('med-cdiff');
    again.dispose();
    const cdmAgain = await loadWorkerModel(server.cdm, 'cdm', cdm, { caches });
    expect(cdmAgain.card.family).toBe('cdm');
    cdmAgain.dispose();
    // The same loads with an empty cache need the network.
    await expect(loadWorkerModel(server.good, 'med-cdiff', medCDiff, { caches: memoryCaches() })).rejects.toMatchObject({ code: 'WEIGHTS_NOT_FOUND' });
    // A file whose digest the index does not pin (here: none pinned) is not served from the cache.
    await expect(loadWorkerModel(server.good, 'med-cdiff', undefined, { caches })).rejects.toMatchObject({ code: 'WEIGHTS_NOT_FOUND' });
  });
});
