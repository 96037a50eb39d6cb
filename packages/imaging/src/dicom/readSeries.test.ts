import { describe, expect, it } from 'vitest';
import { pydicomBytes } from '../testing/openData.js';
import { readDicomFiles, readDicomSeries } from './readSeries.js';
import { writeDicomSeries } from './writeDicom.js';
import { ColourImageError, InconsistentGeometryError, NotDicomError } from '../errors.js';
import type { Volume } from '../image.js';

function series(depth: number, spacingK = 3): Uint8Array[] {
  const vol: Volume = {
    data: new Float32Array(depth * 6 * 5).map((_, i) => i % 97),
    shape: [depth, 6, 5],
    geometry: { spacing: [1, 1, spacingK], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    source: { format: 'array', files: [] },
  };
  return writeDicomSeries(vol, { sopClass: 'MR', series: { instanceUID: '2.25.1234' } }).files;
}

describe('readDicomSeries with bad files', () => {
  it('a series with one bad file loads the rest and reports the bad one', async () => {
    const files = series(4).map((bytes, i) => ({ name: `IM${i}.dcm`, bytes }));
    const bad = [
      { name: 'notes.txt', bytes: new TextEncoder().encode('not an image at all, just some words '.repeat(5)) },
      { name: 'colour.dcm', bytes: pydicomBytes('SC_rgb_rle.dcm') },
    ];
    const { volume, skipped } = await readDicomSeries([...files.slice(0, 2), bad[0]!, ...files.slice(2), bad[1]!]);
    expect(volume.shape).toEqual([4, 6, 5]);
    expect(skipped.map((s) => s.file).sort()).toEqual(['colour.dcm', 'notes.txt']);
    expect(skipped.find((s) => s.file === 'notes.txt')!.error).toBeInstanceOf(NotDicomError);
    expect(skipped.find((s) => s.file === 'colour.dcm')!.error).toBeInstanceOf(ColourImageError);
  });

  it('a slice of another size in the series is reported as inconsistent geometry; the rest load', async () => {
    const files = series(4).map((bytes, i) => ({ name: `IM${i}.dcm`, bytes }));
    const odd: Volume = {
      data: new Float32Array(7 * 5),
      shape: [1, 7, 5],
      geometry: { spacing: [1, 1, 3], origin: [0, 0, 12], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      source: { format: 'array', files: [] },
    };
    const oddFile = writeDicomSeries(odd, { sopClass: 'MR', series: { instanceUID: '2.25.1234' } }).files[0]!;
    const { volume, skipped } = await readDicomSeries([...files, { name: 'odd.dcm', bytes: oddFile }]);
    expect(volume.shape[0]).toBe(4);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.error).toBeInstanceOf(InconsistentGeometryError);
    expect(skipped[0]!.error.message).toContain('odd.dcm');
  });

  it('a missing slice (uneven spacing) fails the series with a message naming where', async () => {
    const files = series(5).map((bytes, i) => ({ name: `IM${i}.dcm`, bytes }));
    files.splice(2, 1);
    const err = await readDicomSeries(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InconsistentGeometryError);
    expect((err as Error).message).toMatch(/IM3\.dcm.*not even/);
    const all = await readDicomFiles(files);
    expect(all.failedSeries).toHaveLength(1);
  });

  it('several series are kept apart', async () => {
    const a = series(3).map((bytes, i) => ({ name: `a${i}`, bytes }));
    const b = [{ name: 'ct', bytes: pydicomBytes('CT_small.dcm') }, { name: 'mr', bytes: pydicomBytes('MR_small.dcm') }];
    const res = await readDicomFiles([...a, ...b]);
    expect(res.series).toHaveLength(3);
    expect(res.series[0]!.volume.shape[0]).toBe(3);
  });
});
