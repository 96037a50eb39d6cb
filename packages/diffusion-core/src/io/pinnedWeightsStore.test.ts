import { describe, expect, it } from 'vitest';
import { ConfigError, WeightsError } from '../errors';
import { pinnedWeightsStore } from './pinnedWeightsStore';
import { sha256Hex } from './sha256';
import { memoryWeightsStore } from './weightsStore';

describe('pinnedWeightsStore', () => {
  const modelJson = new TextEncoder().encode('{"weightsManifest": []}');
  const shard = Uint8Array.from([1, 2, 3]);

  it('reads pinned files whose digest matches, and unpinned files as they are', async () => {
    const store = pinnedWeightsStore(memoryWeightsStore({ 'model.json': modelJson, 'weights.bin': shard }), { 'model.json': await sha256Hex(modelJson) });
    expect(await store.read('model.json')).toEqual(modelJson);
    expect(await store.read('weights.bin')).toEqual(shard);
    expect(await store.exists('weights.bin')).toBe(true);
  });

  it('refuses a pinned file that was replaced, naming it and both digests', async () => {
    const replaced = new TextEncoder().encode('{"weightsManifest": [1]}');
    const store = pinnedWeightsStore(memoryWeightsStore({ 'mrm/model.json': replaced }), { 'mrm/model.json': await sha256Hex(modelJson) });
    const error = await store.read('mrm/model.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as WeightsError).code).toBe('WEIGHTS_CORRUPT');
    expect((error as Error).message).toMatch(/memory\/mrm\/model\.json is not the file the models index lists \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
  });

  it('says what is wrong with a digest that is not SHA-256 hex', () => {
    expect(() => pinnedWeightsStore(memoryWeightsStore(), { 'model.json': 'abc' })).toThrow(ConfigError);
    expect(() => pinnedWeightsStore(memoryWeightsStore(), { 'model.json': 'abc' })).toThrow(/64 lowercase hex digits/);
  });
});
