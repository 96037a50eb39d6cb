import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WeightsError } from '../errors';
import { httpWeightsStore } from './httpWeightsStore';
import { memoryWeightsStore } from './weightsStore';
import { openWeightsStore } from './openWeightsStore';

describe('openWeightsStore', () => {
  it('reads a folder path and a file: URL from the disk in Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meddiff-open-'));
    writeFileSync(join(dir, 'model.json'), '{}');
    for (const source of [dir, pathToFileURL(dir), pathToFileURL(dir).href]) {
      const store = await openWeightsStore(source);
      expect(new TextDecoder().decode(await store.read('model.json'))).toBe('{}');
      expect(store.location).toBe(dir);
    }
  });

  it('keeps a store, takes http(s) URLs over HTTP and refuses other schemes, saying what works', async () => {
    const memory = memoryWeightsStore();
    expect(await openWeightsStore(memory)).toBe(memory);
    expect((await openWeightsStore('https://example.org/models/a')).location).toBe('https://example.org/models/a/');
    await expect(openWeightsStore('ftp://example.org/m/')).rejects.toThrow(/Cannot load weights from ftp:.*http\(s\) URL, or in Node a folder path or file: URL/);
  });

  it('httpWeightsStore refuses a file: URL up front instead of failing later with a network message', () => {
    expect(() => httpWeightsStore('file:///models/a/')).toThrow(WeightsError);
    expect(() => httpWeightsStore('file:///models/a/')).toThrow(/reads http\(s\) URLs, not file:\/\/\/models\/a\/; in Node, load a folder path or file: URL with openWeightsStore/);
  });
});
