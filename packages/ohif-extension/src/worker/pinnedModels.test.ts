import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { WeightsStore } from '@meddiff/diffusion-core';
import { tinyCdmStore } from '../testing/tinyCdm.js';
import { tinyModelStore } from '../testing/tinyModel.js';
import { parseModelsIndex } from '../state/modelsIndex.js';
import { loadWorkerModel } from './loadWorkerModel.js';

const digest = async (store: WeightsStore, file: string) => createHash('sha256').update(await store.read(file)).digest('hex');
const OTHER = 'f'.repeat(64);

describe('models pinned by the models index', () => {
  it('load when their JSON files have the listed digests, and are refused when one was replaced', async () => {
    const medCDiff = await tinyModelStore('denoising');
    const ok = await loadWorkerModel(medCDiff, 'med-cdiff', { 'model.json': await digest(medCDiff, 'model.json') });
    expect(ok.card.family).toBe('med-cdiff');
    ok.dispose();
    await expect(loadWorkerModel(medCDiff, 'med-cdiff', { 'model.json': OTHER })).rejects.toMatchObject({ code: 'WEIGHTS_CORRUPT', message: expect.stringMatching(/model\.json is not the file the models index lists/) });

    const cdm = await tinyCdmStore();
    const pinned = { 'cdm.json': await digest(cdm, 'cdm.json'), 'mrm/model.json': await digest(cdm, 'mrm/model.json') };
    const loaded = await loadWorkerModel(cdm, 'cdm', pinned);
    expect(loaded.card.family).toBe('cdm');
    loaded.dispose();
    // A part's model.json (which pins that part's shards) replaced: refused by name.
    await expect(loadWorkerModel(cdm, 'cdm', { ...pinned, 'mrm/model.json': OTHER })).rejects.toMatchObject({ code: 'WEIGHTS_CORRUPT', message: expect.stringMatching(/mrm\/model\.json/) });
  });

  it('a malformed models index says which entry and field is wrong', () => {
    const entry = { id: 'a', label: 'A', url: '/models/a/', tasks: ['denoise'], family: 'med-cdiff', pinned: { 'model.json': OTHER } };
    expect(parseModelsIndex({ version: 1, models: [entry] })).toEqual([entry]);
    expect(() => parseModelsIndex({ version: 1 })).toThrow(/no "models" list/);
    expect(() => parseModelsIndex({ models: [{ ...entry, url: 3 }] })).toThrow(/entry 0 \("a"\): "url" must be a non-empty string/);
    expect(() => parseModelsIndex({ models: [{ ...entry, family: 'gan' }] })).toThrow(/"family" must be one of med-cdiff, cdm/);
    expect(() => parseModelsIndex({ models: [{ ...entry, pinned: { 'model.json': 'abc' } }] })).toThrow(/"pinned" must be an object of SHA-256 hex digests/);
  });
});
