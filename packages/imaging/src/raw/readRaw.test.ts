import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openFile } from '../testing/openData.js';
import { readRaw } from './readRaw.js';

describe('readRaw: headerless images described by shape and NumPy dtype', () => {
  it('big- and little-endian, optionally gzip-compressed', () => {
    const be = new Uint8Array([0x01, 0x02, 0xff, 0xff]);
    expect(Array.from(readRaw(be, { shape: [1, 2], dtype: '>u2' }).data)).toEqual([0x0102, 0xffff]);
    expect(Array.from(readRaw(be, { shape: [1, 2], dtype: '<u2' }).data)).toEqual([0x0201, 0xffff]);
    expect(Array.from(readRaw(gzipSync(be), { shape: [1, 2], dtype: '>i2', gzip: true }).data)).toEqual([258, -1]);
    const v = readRaw(new Uint8Array(8), { shape: [2, 2, 2], dtype: '|u1', spacing: [1, 2, 3] });
    expect([v.shape, v.geometry.spacing]).toEqual([[2, 2, 2], [1, 2, 3]]);
  });
  it('a byte count that does not match the shape and dtype is refused, not read as noise', () => {
    expect(() => readRaw(new Uint8Array(6), { shape: [2, 2], dtype: '<u2' }, 'r.raw')).toThrow(/r\.raw: .*6 bytes, but 2 x 2 values of <u2 are 8 bytes/);
    expect(() => readRaw(new Uint8Array(4), { shape: [2, 2], dtype: '<c8' }, 'r.raw')).toThrow(/raw dtype "<c8"/);
  });
  it("matplotlib's s1045.ima.gz: 256 x 256 big-endian, as NumPy reads it", () => {
    const bytes = new Uint8Array(readFileSync(openFile('python-matplotlib-data', 'usr/share/matplotlib/mpl-data/sample_data/s1045.ima.gz')));
    const v = readRaw(bytes, { shape: [256, 256], dtype: '>u2', gzip: true });
    expect([v.data.reduce((a, b) => a + b, 0), Math.max(...v.data), v.data[128 * 256 + 128]]).toEqual([2533090, 215, 94]);
  });
});
