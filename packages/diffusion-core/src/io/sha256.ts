import { sha256 } from '@noble/hashes/sha2.js';

/**
 * Hex SHA-256. Through WebCrypto where there is one (Node 20, workers and pages in secure contexts);
 * browsers give none to a page served over plain HTTP from another host (an intranet viewer at
 * `http://<hospital-host>`), and there the audited pure-JS `@noble/hashes` computes the same digest,
 * more slowly, so weights are still verified rather than loading failing or going unchecked.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)) : sha256(data);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
