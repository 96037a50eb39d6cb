import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@meddiff/diffusion-core';
import { writeDerivedSeries, type Image2D } from '@meddiff/imaging';
import { savedTinyModel } from '../commands/testFiles';
import { MedCDiffPipeline } from './medCDiffPipeline';

const tmp = mkdtempSync(join(tmpdir(), 'med-cdiff-load-'));
let dir = '';
beforeAll(async () => {
  await selectBackend({ preferred: ['wasm'] });
  dir = await savedTinyModel(join(tmp, 'model'), 'denoising');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A slice as @meddiff/imaging reads one from DICOM: geometry and a DICOM reference. */
const slice: Image2D = {
  data: Float32Array.from({ length: 16 * 16 }, (_, i) => 200 + 50 * Math.sin(i / 5)),
  shape: [16, 16],
  geometry: { spacing: [1, 1, 3], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  modality: 'MR',
  source: { format: 'dicom', files: ['a.dcm'], dicom: [{ sopClassUID: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUID: '1.2.3.4' }], dicomAttributes: { StudyInstanceUID: '1.2.3', Modality: 'MR' } },
};

describe('MedCDiffPipeline.load in Node', () => {
  it('takes a folder path, a file: URL and its string', async () => {
    for (const source of [dir, pathToFileURL(dir), pathToFileURL(dir).href]) {
      const pipeline = await MedCDiffPipeline.load(source);
      expect(pipeline.task).toBe('denoising');
      pipeline.dispose();
    }
  });

  it('says which file is missing for a folder without a model', async () => {
    await expect(MedCDiffPipeline.load(tmp)).rejects.toThrow(/Missing weights file .*model\.json/);
  });

  it('returns an Image2D for an Image2D, which writeDerivedSeries takes as it is (no cast)', async () => {
    const pipeline = await MedCDiffPipeline.load(dir);
    const result = await pipeline.denoise(slice, { sampler: 'ddim', steps: 2, seed: 1 });
    pipeline.dispose();
    const series = writeDerivedSeries(result.image, slice, { description: 'test' });
    expect(series.files).toHaveLength(1);
    expect(result.image.source).toBe(slice.source);
  });
});
