import { describe, expect, it } from 'vitest';
import { indexToWorld, readDicom, type Image2D } from '@meddiff/imaging';
import { dciodvfy } from '@meddiff/imaging/node';
import type { TaskResult } from '../model/taskTypes.js';
import { buildDerivedSeries, derivationDescription, naturalize } from './derivedSeries.js';

const SOURCE_SOP = '1.2.826.0.1.3680043.8.498.1';
const dirI = [Math.cos(0.3), Math.sin(0.3), 0] as const;
const dirJ = [-Math.sin(0.3), Math.cos(0.3), 0] as const;

function source(rows: number, columns: number): Image2D {
  const data = new Float32Array(rows * columns).map((_, i) => (i % columns) * 10 - 500);
  return {
    data,
    shape: [rows, columns],
    geometry: { spacing: [0.9, 1.1, 5], origin: [-90, -91, -71], direction: [...dirI, ...dirJ, 0, 0, 1] },
    frameOfReferenceUID: '1.2.826.0.1.3680043.8.498.9',
    modality: 'CT',
    source: {
      format: 'dicom',
      files: [],
      dicom: [{ sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: SOURCE_SOP }],
      dicomAttributes: {
        PatientName: { Alphabetic: 'Doe^Jane' },
        PatientID: 'P1',
        StudyInstanceUID: '1.2.826.0.1.3680043.8.498.2',
        SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.3',
        SeriesNumber: 4,
        SeriesDescription: 'Head',
        Modality: 'CT',
        StudyDate: '20240101',
      },
    },
  };
}

function result(rows: number, columns: number, samples = 1): TaskResult {
  const pixels = new Float32Array(rows * columns).map((_, i) => -1000 + (i % 97) * 13.25);
  return { pixels, rows, columns, samples, tiles: 1, backend: 'webgpu', elapsedMs: 1, ...(samples > 1 ? { std: new Float32Array(rows * columns).fill(2.5) } : {}) };
}

const info = { task: { kind: 'super-resolve', factor: 2 } as const, sampling: { sampler: 'dpm-solver' as const, steps: 20, seed: 7, samples: 1 }, modelName: 'Test model', backend: 'webgpu' };

describe('buildDerivedSeries', () => {
  it('writes a derived CT instance of the result size in the source study, with the geometry of the finer grid', async () => {
    const src = source(12, 10);
    const [series, ...rest] = buildDerivedSeries(result(24, 20), src, info);
    expect(rest).toHaveLength(0);
    expect(series).toMatchObject({ kind: 'result', rows: 24, columns: 20, studyInstanceUID: '1.2.826.0.1.3680043.8.498.2' });
    expect(series!.seriesInstanceUID).not.toBe('1.2.826.0.1.3680043.8.498.3');
    expect(dciodvfy(series!.part10[0]!).errors).toEqual([]);
    const ds = naturalize(series!.part10[0]!);
    expect(ds).toMatchObject({
      Rows: 24,
      Columns: 20,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      StudyInstanceUID: '1.2.826.0.1.3680043.8.498.2',
      FrameOfReferenceUID: '1.2.826.0.1.3680043.8.498.9',
      PatientID: 'P1',
      SeriesNumber: 1004,
    });
    expect(ds['ImageType']).toEqual(['DERIVED', 'SECONDARY', 'AXIAL']);
    expect(String(ds['SeriesDescription'])).toMatch(/^RESEARCH ONLY SR x2 of Head/);
    expect(String(ds['DerivationDescription'])).toBe('Test model: super-resolution x2 (dpm-solver, 20 steps, seed 7, 1 sample; webgpu)');
    expect(ds['SourceImageSequence']).toMatchObject([{ ReferencedSOPInstanceUID: SOURCE_SOP }]);
    expect((ds['_meta'] as Record<string, { Value: string[] }>)['TransferSyntaxUID']!.Value[0]).toBe('1.2.840.10008.1.2.1');
    // Read back as an image: pixels in modality units within the writer's rescale step, and the
    // finer grid: half the spacing, and two output pixels centred on each input pixel.
    const back = await readDicom(series!.part10[0]!, { file: 'result.dcm' });
    const expected = result(24, 20).pixels;
    let maxErr = 0;
    back.data.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - expected[i]!))));
    expect(maxErr).toBeLessThan(0.05);
    expect(back.geometry.spacing[0]).toBeCloseTo(0.45, 6);
    expect(back.geometry.spacing[1]).toBeCloseTo(0.55, 6);
    const a = indexToWorld(back.geometry, 0, 0, 0);
    const b = indexToWorld(back.geometry, 1, 1, 0);
    const centre = indexToWorld(src.geometry, 0, 0, 0);
    for (let d = 0; d < 3; d++) expect((a[d]! + b[d]!) / 2).toBeCloseTo(centre[d]!, 5);
  });

  it('adds the per-pixel standard deviation as a second series when there are several samples', () => {
    const series = buildDerivedSeries(result(12, 10, 4), source(12, 10), { ...info, task: { kind: 'denoise' }, sampling: { ...info.sampling, samples: 4 } });
    expect(series.map((s) => s.kind)).toEqual(['result', 'uncertainty']);
    expect(series[0]!.seriesInstanceUID).not.toBe(series[1]!.seriesInstanceUID);
    for (const s of series) expect(dciodvfy(s.part10[0]!).errors, s.kind).toEqual([]);
    const sd = naturalize(series[1]!.part10[0]!);
    expect(String(sd['SeriesDescription'])).toMatch(/^RESEARCH ONLY denoised SD/);
    expect(String(sd['DerivationDescription'])).toMatch(/4 samples, per-pixel standard deviation over samples/);
    expect(sd['SeriesNumber']).toBe(1005);
    // In colour, for OHIF and any viewer: palette colour Secondary Capture, its scale said in words.
    expect(sd['PhotometricInterpretation']).toBe('PALETTE COLOR');
    expect(String(sd['ImageComments'])).toMatch(/standard deviation over 4 samples.*from 0 \(black\) to [\d.e-]+ or more \(white\)/);
  });

  it('describes the derivation so a run can be repeated', () => {
    expect(derivationDescription({ ...info, task: { kind: 'inpaint' }, sampling: { sampler: 'ddim', steps: 50, seed: 0, samples: 3 } })).toBe('Test model: inpainting (ddim, 50 steps, seed 0, 3 samples; webgpu)');
  });
});
