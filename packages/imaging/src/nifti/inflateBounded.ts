import { Decompress } from 'fflate';

/** Input fed to the inflater per step: small, so one step cannot overshoot `limit` by more than ~16 MB. */
const STEP = 16 * 1024;

/**
 * The first `limit` bytes (fewer when the data ends first) of gzip (or zlib) data, inflating no further than
 * needed. Reading a header first and then only as much as it asks for means a gzip bomb costs no
 * more memory than the limits allow. Throws fflate's error on corrupt data.
 */
export function inflateBounded(gz: Uint8Array, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inflater = new Decompress((chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  for (let at = 0; at < gz.length && size < limit; at += STEP) inflater.push(gz.subarray(at, at + STEP), at + STEP >= gz.length);
  const out = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const take = c.subarray(0, out.length - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}
