import { InvalidArgumentError } from '../errors.js';

/**
 * Lists the regular files of a POSIX (ustar) or old-style tar archive held in memory. Tar is 512-byte
 * headers followed by the data padded to 512 bytes; this is all an InVesalius project needs, and keeping
 * it in-process lets it run in a browser too.
 */
export function untar(bytes: Uint8Array, name = 'archive.tar'): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const dec = new TextDecoder('latin1');
  const field = (o: number, len: number) => dec.decode(bytes.subarray(o, o + len)).replace(/\0.*$/s, '');
  let p = 0;
  while (p + 512 <= bytes.length) {
    if (bytes.subarray(p, p + 512).every((b) => b === 0)) break;
    const fileName = field(p, 100);
    const sizeText = field(p + 124, 12).trim();
    const size = parseInt(sizeText || '0', 8);
    const type = String.fromCharCode(bytes[p + 156] ?? 48);
    const prefix = field(p + 257, 6).startsWith('ustar') ? field(p + 345, 155) : '';
    if (!Number.isFinite(size) || size < 0) throw new InvalidArgumentError('untar', `${name}: bad size "${sizeText}" for ${fileName}`);
    const start = p + 512;
    if (start + size > bytes.length) throw new InvalidArgumentError('untar', `${name} is truncated inside ${fileName}`);
    if (type === '0' || type === '\0') files.set(prefix ? `${prefix}/${fileName}` : fileName, bytes.subarray(start, start + size));
    p = start + Math.ceil(size / 512) * 512;
  }
  return files;
}
