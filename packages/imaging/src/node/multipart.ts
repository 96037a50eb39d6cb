import { randomBytes } from 'node:crypto';

/** One body part of a multipart/related message (RFC 2387), as DICOMweb uses them. */
export interface Part {
  headers: Record<string, string>;
  body: Uint8Array;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

export function newBoundary(): string {
  return `meddiff-${randomBytes(12).toString('hex')}`;
}

/** Writes parts as a multipart body with the given boundary. */
export function encodeMultipart(parts: readonly Part[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = Object.entries(part.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), Buffer.from(part.body.buffer, part.body.byteOffset, part.body.byteLength), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** The value of one parameter of a Content-Type header, quotes removed; undefined when absent. */
export function contentTypeParam(contentType: string, name: string): string | undefined {
  for (const piece of contentType.split(';').slice(1)) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    if (piece.slice(0, eq).trim().toLowerCase() !== name.toLowerCase()) continue;
    return piece.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/**
 * Splits a multipart body into its parts. The boundary comes from the Content-Type header; part
 * bodies are views into `body` (no copy). Throws MultipartError on a body that is not multipart.
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  if (!/^multipart\//i.test(contentType.trim())) throw new MultipartError(`expected a multipart body, got Content-Type "${contentType}"`);
  const boundary = contentTypeParam(contentType, 'boundary');
  if (!boundary) throw new MultipartError('the multipart Content-Type has no boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('the body does not contain its boundary');
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the message.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // Skip transport padding and the CRLF that ends the delimiter line.
    const lineEnd = body.indexOf('\r\n', pos, 'latin1');
    if (lineEnd < 0) throw new MultipartError('truncated multipart body (no line end after a boundary)');
    const headEnd = body.indexOf('\r\n\r\n', lineEnd, 'latin1');
    const headerText = headEnd === lineEnd ? '' : body.subarray(lineEnd + 2, headEnd < 0 ? lineEnd + 2 : headEnd).toString('latin1');
    if (headEnd < 0) throw new MultipartError('truncated multipart body (part headers do not end)');
    const start = headEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), start);
    if (next < 0) throw new MultipartError('truncated multipart body (no closing boundary)');
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(start, next) });
    pos = next + 2;
  }
  return parts;
}
