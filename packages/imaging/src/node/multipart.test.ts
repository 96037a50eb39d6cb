import { describe, expect, it } from 'vitest';
import { contentTypeParam, encodeMultipart, MultipartError, parseMultipart } from './multipart.js';

describe('multipart/related', () => {
  it('round-trips binary parts that contain line breaks and boundary-like bytes', () => {
    const a = new Uint8Array([0x0d, 0x0a, 0x2d, 0x2d, 0x78, 0x0d, 0x0a, 0x0d, 0x0a, 0xff, 0x00]);
    const b = new TextEncoder().encode('--not-the-boundary\r\n');
    const body = encodeMultipart(
      [
        { headers: { 'Content-Type': 'application/dicom' }, body: a },
        { headers: { 'Content-Type': 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1' }, body: b },
        { headers: {}, body: new Uint8Array(0) },
      ],
      'xyz123',
    );
    const parts = parseMultipart(body, 'multipart/related; type="application/dicom"; boundary=xyz123');
    expect(parts).toHaveLength(3);
    expect(Array.from(parts[0]!.body)).toEqual(Array.from(a));
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
    expect(Buffer.from(parts[1]!.body).toString()).toBe('--not-the-boundary\r\n');
    expect(parts[1]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(parts[2]!.body).toHaveLength(0);
  });

  it('reads quoted and unquoted parameters', () => {
    expect(contentTypeParam('multipart/related; type="application/dicom"; boundary="a b"', 'boundary')).toBe('a b');
    expect(contentTypeParam('multipart/related; Boundary=abc', 'boundary')).toBe('abc');
    expect(contentTypeParam('multipart/related', 'boundary')).toBeUndefined();
  });

  it('refuses bodies that are not multipart or are truncated', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'application/json')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/related')).toThrow(/no boundary/);
    expect(() => parseMultipart(Buffer.from('--b\r\nContent-Type: x\r\n\r\nbody without end'), 'multipart/related; boundary=b')).toThrow(/truncated/);
  });
});
