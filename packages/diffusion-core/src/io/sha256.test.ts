import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from './sha256';

const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'; // FIPS 180-2, "abc"

describe('sha256Hex', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives the FIPS 180-2 digest through WebCrypto', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(ABC);
  });

  it('gives the same digests without WebCrypto (a plain-HTTP page has no crypto.subtle)', async () => {
    const data = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 2654435761) >>> 24);
    const viaWebCrypto = await sha256Hex(data);
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect(globalThis.crypto.subtle).toBeUndefined();
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(ABC);
    expect(await sha256Hex(data)).toBe(viaWebCrypto);
    vi.stubGlobal('crypto', undefined);
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(ABC);
  });
});
