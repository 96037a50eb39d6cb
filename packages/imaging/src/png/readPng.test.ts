import { readFileSync } from 'node:fs';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { openFile } from '../testing/openData.js';
import { encodeGreyPng } from '../preview/png.js';
import { readPng } from './readPng.js';

const ITK = 'usr/share/doc/insighttoolkit5-examples/examples/Data';
const sum = (a: Float32Array) => a.reduce((s, x) => s + x, 0);

describe('readPng: greyscale PNGs, including grey stored as palette or RGB', () => {
  it('8-bit grey: values as stored, one slice, nominal or given spacing', () => {
    const png = encodeGreyPng([0, 51, 102, 255, 153, 204], 2, 3, 0, 255);
    const v = readPng(png, { file: 'g.png', spacing: [0.5, 0.7] });
    expect(v.shape).toEqual([1, 2, 3]);
    expect(Array.from(v.data)).toEqual([0, 51, 102, 255, 153, 204]);
    expect(v.geometry.spacing).toEqual([0.5, 0.7, 1]);
  });
  it('16-bit grey keeps its range', () => {
    const v = readPng(encode({ width: 2, height: 1, data: new Uint16Array([1000, 65535]), depth: 16, channels: 1 }));
    expect(Array.from(v.data)).toEqual([1000, 65535]);
  });
  it('a grey palette is read through the palette; RGB with equal channels as grey', () => {
    const pal = encode({ width: 2, height: 1, data: new Uint8Array([1, 0]), depth: 8, channels: 1, palette: [[10, 10, 10], [200, 200, 200]] });
    expect(Array.from(readPng(pal).data)).toEqual([200, 10]);
    const rgb = encode({ width: 2, height: 1, data: new Uint8Array([7, 7, 7, 90, 90, 90]), depth: 8, channels: 3 });
    expect(Array.from(readPng(rgb).data)).toEqual([7, 90]);
  });
  it('refuses colour, and a file that is not a PNG, with typed errors naming the file', () => {
    const rgb = encode({ width: 1, height: 1, data: new Uint8Array([255, 0, 0]), depth: 8, channels: 3 });
    expect(() => readPng(rgb, { file: 'red.png' })).toThrow(/red\.png: is a colour image/);
    const pal = encode({ width: 1, height: 1, data: new Uint8Array([0]), depth: 8, channels: 1, palette: [[0, 255, 0]] });
    expect(() => readPng(pal, { file: 'green.png' })).toThrow(/colour/);
    expect(() => readPng(new Uint8Array(40), { file: 'x.png' })).toThrow(/x\.png is not a PNG file/);
  });
  it('checks the claimed size before decoding', () => {
    const png = encodeGreyPng(new Array(64).fill(0), 8, 8, 0, 1);
    expect(() => readPng(png, { file: 'big.png', limits: { maxDimension: 4 } })).toThrow(/maxDimension/);
  });
  it("ITK's BrainProtonDensitySlice (palette) and BrainT1Slice (RGB) match an independent decoder", () => {
    // Reference: zlib + the PNG filters in NumPy (not the decoder used here): shape, sum, one pixel.
    const pd = readPng(new Uint8Array(readFileSync(openFile('insighttoolkit5-examples', `${ITK}/BrainProtonDensitySlice.png`))));
    expect([...pd.shape, sum(pd.data), pd.data[100 * 181 + 90]]).toEqual([1, 217, 181, 4860107, 189]);
    const t1 = readPng(new Uint8Array(readFileSync(openFile('insighttoolkit5-examples', `${ITK}/BrainT1Slice.png`))));
    expect([...t1.shape, sum(t1.data), t1.data[100 * 181 + 90]]).toEqual([1, 217, 181, 2673952, 130]);
  });
});
