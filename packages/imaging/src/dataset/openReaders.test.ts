import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openFile } from '../testing/openData.js';
import { readInv3 } from './readInv3.js';
import { readNpz, readNpy } from '../npy/readNpy.js';

describe('readers for the open scans that are not NIfTI or DICOM', () => {
  it('InVesalius Cranium.inv3: a head CT in HU, 108 x 256 x 256', () => {
    const v = readInv3(new Uint8Array(readFileSync(openFile('invesalius-examples', 'usr/share/doc/invesalius-examples/examples/Cranium.inv3'))), 'Cranium.inv3');
    expect(v.shape).toEqual([108, 256, 256]);
    expect(v.modality).toBe('CT');
    expect(v.geometry.spacing[2]).toBe(1.5);
    let min = Infinity, max = -Infinity;
    for (const x of v.data) { if (x < min) min = x; if (x > max) max = x; }
    // main.plist gives scalar_range [-1024, 3033]; NumPy reads matrix.dat as min -1024, max 2986.
    expect([min, max]).toEqual([-1024, 2986]);
  });
  it('imageio stent.npz: int16, 256 x 128 x 128, values 0..2000', () => {
    const arrays = readNpz(new Uint8Array(readFileSync(openFile('python3-imageio', 'usr/lib/python3/dist-packages/imageio/resources/images/stent.npz'))));
    const a = arrays['arr_0']!;
    expect(a.shape).toEqual([256, 128, 128]);
    expect(a.dtype).toBe('<i2');
    expect(a.data.reduce((m, x) => Math.min(m, x), Infinity)).toBe(0);
    expect(a.data.reduce((m, x) => Math.max(m, x), -Infinity)).toBe(2000);
  });
  it('Fortran-ordered .npy is returned in C order', () => {
    // np.asfortranarray(np.arange(6, dtype='<i2').reshape(2, 3)) saved with np.save: header then 0 3 1 4 2 5.
    const header = "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }";
    const padded = header.padEnd(118 - 1, ' ') + '\n';
    const bytes = new Uint8Array(10 + padded.length + 12);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 10);
    const dv = new DataView(bytes.buffer, 10 + padded.length);
    [0, 3, 1, 4, 2, 5].forEach((v, i) => dv.setInt16(2 * i, v, true));
    expect(Array.from(readNpy(bytes).data)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
