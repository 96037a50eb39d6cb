import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from 'playwright-core';
import { TEST_SERIES, TEST_STUDY_UID } from '../src/data/testStudies.js';
import type { ModelIndexEntry } from '../src/data/models.js';
import { startHarness, type Harness } from './harness.js';
import { openStudy, runFromPanel, showSeries, waitForPanel, type PanelState } from './page.js';

/** The Cache Storage caches the extension keeps (diffusion-core's WEIGHTS_CACHE_NAME, the extension's MODELS_INDEX_CACHE_NAME). */
const WEIGHTS_CACHE = 'meddiff-weights';
const INDEX_CACHE = 'meddiff-models-index';
const MODELS = '**/models/**';

let h: Harness;
let denoising: ModelIndexEntry;
/** Every request for /models/ that reached the viewer server, from the page or its worker. */
const served: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  const index = (await (await fetch(`${h.viewer.url}/models/index.json`)).json()) as { models: ModelIndexEntry[] };
  denoising = index.models.find((m) => m.tasks.includes('denoise'))!;
  h.viewer.server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/models/')) served.push(req.url);
  });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Opens the test study, denoises its small MR slice with one step, and returns the panel when the run has ended. */
async function denoiseOnce(): Promise<PanelState> {
  await openStudy(h.page, h.viewer.url, TEST_STUDY_UID);
  await showSeries(h.page, TEST_SERIES.smallMr);
  await runFromPanel(h.page, 'denoise', 1);
  return waitForPanel(h.page, (s) => s.status === 'idle' && (s.results.length > 0 || s.outcome === 'failed'), 'the denoising run');
}

/** The panel state with the models the index listed (getState returns them; page.ts's PanelState leaves them out). */
type Listed = PanelState & { models: { url: string }[] };

const cachedKeys = (cacheName: string) => h.page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search), cacheName);

describe('model files are cached in the browser by SHA-256 and used offline', () => {
  it('a model run once runs again with the network to /models/ cut, fetching no model file', async () => {
    const first = await denoiseOnce();
    expect(first.error).toBeUndefined();
    expect(first.modelUrl).toBe(denoising.url);
    expect(served.filter((u) => u.startsWith(denoising.url))).toContain(`${denoising.url}model.json`);
    const kept = await cachedKeys(WEIGHTS_CACHE);
    expect(kept).toContain(`${denoising.url}model.json?meddiff-sha256=${denoising.pinned['model.json']}`);
    expect(kept.filter((k) => k.startsWith(denoising.url) && /\.bin\?meddiff-sha256=[0-9a-f]{64}$/.test(k)).length).toBeGreaterThan(0);

    served.length = 0;
    const blocked: string[] = [];
    const cut = (route: Route) => {
      blocked.push(new URL(route.request().url()).pathname);
      return route.abort('internetdisconnected');
    };
    await h.page.context().route(MODELS, cut);
    try {
      const offline = await denoiseOnce();
      expect(offline.error).toBeUndefined();
      expect(offline.outcome).toBe('done');
      expect(offline.modelUrl).toBe(denoising.url);
      expect(offline.results).toHaveLength(1);
      // The index was asked for and refused; its kept copy was used, and no model file was fetched.
      expect(blocked).toContain('/models/index.json');
      expect(blocked.filter((p) => p !== '/models/index.json')).toEqual([]);
      expect(served).toEqual([]);
    } finally {
      await h.page.context().unroute(MODELS, cut);
    }
  });

  it('a changed model (a new digest in the index) is fetched again: the changed file only', async () => {
    const changed = `${denoising.url}model.json`;
    const original = new Uint8Array(await (await fetch(`${h.viewer.url}${changed}`)).arrayBuffer());
    // Still valid JSON with the same shards, different bytes: a new model.json the index pins.
    const bytes = Buffer.concat([original, Buffer.from('\n')]);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const serveIndex = async (route: Route) => {
      const index = (await (await route.fetch()).json()) as { models: ModelIndexEntry[] };
      for (const m of index.models) if (m.id === denoising.id) m.pinned = { ...m.pinned, 'model.json': digest };
      await route.fulfill({ json: index });
    };
    const serveModel = async (route: Route) => {
      await route.fetch();
      await route.fulfill({ body: bytes, contentType: 'application/json' });
    };
    served.length = 0;
    await h.page.context().route('**/models/index.json', serveIndex);
    await h.page.context().route(`**${changed}`, serveModel);
    try {
      const s = await denoiseOnce();
      expect(s.error).toBeUndefined();
      expect(s.outcome).toBe('done');
      expect(s.modelUrl).toBe(denoising.url);
      // The index and the changed model.json went to the server; no shard did (their digests did not change).
      expect([...new Set(served)].sort()).toEqual(['/models/index.json', changed]);
      const kept = await cachedKeys(WEIGHTS_CACHE);
      expect(kept).toContain(`${changed}?meddiff-sha256=${digest}`);
      expect(kept).not.toContain(`${changed}?meddiff-sha256=${denoising.pinned['model.json']}`);
    } finally {
      await h.page.context().unroute('**/models/index.json', serveIndex);
      await h.page.context().unroute(`**${changed}`, serveModel);
    }
  });

  it('with the caches emptied, the same offline loads fail (so the runs above came from the cache)', async () => {
    const cut = (route: Route) => route.abort('internetdisconnected');
    await h.page.evaluate(async (name) => caches.delete(name), WEIGHTS_CACHE);
    await h.page.context().route(MODELS, cut);
    try {
      // The index still comes from its kept copy; the model files do not.
      const noWeights = (await openStudy(h.page, h.viewer.url, TEST_STUDY_UID)) as Listed;
      expect(noWeights.models.length).toBeGreaterThan(0);
      expect(noWeights.modelStatus).toBe('failed');
      expect(noWeights.error).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/could not be fetched/) });
      await h.page.evaluate(async (name) => caches.delete(name), INDEX_CACHE);
      const nothing = (await openStudy(h.page, h.viewer.url, TEST_STUDY_UID)) as Listed;
      expect(nothing.models).toEqual([]);
      expect(nothing.error).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/could not be fetched .* no copy of it is kept in this browser/) });
    } finally {
      await h.page.context().unroute(MODELS, cut);
    }
  });
});
