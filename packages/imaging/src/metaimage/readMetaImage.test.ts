import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openFile } from '../testing/openData.js';
import { readMetaImage } from './readMetaImage.js';

const ITK = 'usr/share/doc/insighttoolkit5-examples/examples/Data';
const enc = (s: string) => new TextEncoder().encode(s);
const join2 = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
const sum = (a: Float32Array) => a.reduce((s, x) => s + x, 0);

describe('readMetaImage: ITK MetaImage (.mha, .mhd + .raw)', () => {
  it('a 3-D .mha with LOCAL big-endian shorts, spacing, offset and direction', () => {
    const header = 'ObjectType = Image\nNDims = 3\nDimSize = 2 1 2\nElementType = MET_SHORT\nElementSpacing = 0.5 0.6 2\nOffset = 1 2 3\nTransformMatrix = 0 1 0 -1 0 0 0 0 1\nElementByteOrderMSB = True\nElementDataFile = LOCAL\n';
    const values = new Uint8Array(8);
    const dv = new DataView(values.buffer);
    [-5, 7, 300, -32768].forEach((v, n) => dv.setInt16(2 * n, v, false));
    const v = readMetaImage(join2(enc(header), values), { file: 'a.mha' });
    expect(v.shape).toEqual([2, 1, 2]);
    expect(Array.from(v.data)).toEqual([-5, 7, 300, -32768]);
    expect(v.geometry).toEqual({ spacing: [0.5, 0.6, 2], origin: [1, 2, 3], direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] });
  });
  it('compressed LOCAL data (zlib) and a 2-D image placed in the z = 0 plane', () => {
    const floats = new Float32Array([1.5, -2, 3.25, 4]);
    const header = `NDims = 2\nDimSize = 2 2\nElementType = MET_FLOAT\nCompressedData = True\nCompressedDataSize = 0\nElementDataFile = LOCAL\n`;
    const v = readMetaImage(join2(enc(header), zlibSync(new Uint8Array(floats.buffer))));
    expect(v.shape).toEqual([1, 2, 2]);
    expect(Array.from(v.data)).toEqual([1.5, -2, 3.25, 4]);
    expect(v.geometry.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  it('an external data file is read through the callback, which is required', () => {
    const header = enc('NDims = 2\nDimSize = 3 1\nElementType = MET_UCHAR\nElementDataFile = x.raw\n');
    expect(Array.from(readMetaImage(header, { readDataFile: (n) => (n === 'x.raw' ? new Uint8Array([1, 2, 3]) : new Uint8Array()) }).data)).toEqual([1, 2, 3]);
    expect(() => readMetaImage(header, { file: 'x.mhd' })).toThrow(/keeps its data in x\.raw: pass readDataFile/);
  });
  it('refuses what it cannot read, with the reason and the file', () => {
    const two = enc('NDims = 2\nDimSize = 1 1\nElementType = MET_FLOAT\nElementNumberOfChannels = 2\nElementDataFile = LOCAL\n');
    expect(() => readMetaImage(join2(two, new Uint8Array(8)), { file: 'c.mha' })).toThrow(/c\.mha: unsupported pixel format: 2 channels/);
    const short = enc('NDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n');
    expect(() => readMetaImage(join2(short, new Uint8Array(3)), { file: 's.mha' })).toThrow(/s\.mha: pixel data cannot be read: .* need 16/);
    expect(() => readMetaImage(enc('NDims = 2\nDimSize = 9000 2\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n'), { file: 'b.mha' })).toThrow(/maxDimension/);
    expect(() => readMetaImage(enc('hello world\n'), { file: 'n.mha' })).toThrow(/not a MetaImage header/);
  });
  it("ITK's RatLungSlice1 (.mha + .raw) and BrainProtonDensity3Slices match NumPy's reading of the .raw", () => {
    const read = (name: string) => {
      const path = openFile('insighttoolkit5-examples', `${ITK}/${name}`);
      return readMetaImage(new Uint8Array(readFileSync(path)), { file: name, readDataFile: (f) => new Uint8Array(readFileSync(join(dirname(path), f))) });
    };
    const rat = read('RatLungSlice1.mha');
    expect([...rat.shape, sum(rat.data), rat.data[64 * 128 + 64]]).toEqual([1, 128, 128, 857357, 16]);
    const pd = read('BrainProtonDensity3Slices.mha');
    expect([...pd.shape, sum(pd.data), pd.data[(1 * 217 + 100) * 181 + 90]]).toEqual([3, 217, 181, 14725708, 230]);
    // The complex (2-channel) brain slice is refused rather than read as one channel.
    expect(() => read('itkBrainSliceComplex.mha')).toThrow(/2 channels/);
  });
});
