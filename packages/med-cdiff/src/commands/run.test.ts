import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@meddiff/diffusion-core';
import { parseDicom, readDicom, readNifti, volumeSlice } from '@meddiff/imaging';
import { dciodvfy, readDicomFolder, readImageFile } from '@meddiff/imaging/node';
import { encode } from 'fast-png';
import { InvalidInputError, UnsupportedRequestError } from '../errors';
import { OutputExistsError, UsageError } from './errors';
import { runModel } from './run';
import { dipyNifti, pydicomFile, sampleMrSeries, savedTinyModel } from './testFiles';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));
const tmp = mkdtempSync(join(tmpdir(), 'med-cdiff-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fast = { sampler: 'ddim' as const, steps: 2 };

describe('run', () => {
  it('super-resolves a real DICOM file x2 into a derived DICOM series of the same study', async () => {
    const model = await savedTinyModel(join(tmp, 'sr-model'), 'super-resolution');
    const input = pydicomFile('MR_small.dcm');
    const out = join(tmp, 'sr-out');
    const before = tf.memory().numTensors;
    const r = await runModel({ model, input, out, factor: 2, ...fast });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.task).toBe('super-resolution');
    expect(r.shape).toEqual([1, 128, 128]);
    expect(readdirSync(out)).toEqual(['result-0001.dcm']);

    const source = await readDicom(new Uint8Array(readFileSync(input)), { file: input });
    const bytes = new Uint8Array(readFileSync(r.files[0]!));
    expect(dciodvfy(bytes).errors).toEqual([]);
    const derived = await readDicom(bytes, { file: r.files[0]! });
    expect(derived.shape).toEqual([1, 128, 128]);
    expect(derived.data.every(Number.isFinite)).toBe(true);
    expect(Math.max(...derived.data) - Math.min(...derived.data)).toBeGreaterThan(0);
    // Half the pixel spacing; the same field of view.
    expect(derived.geometry.spacing[0]).toBeCloseTo(source.geometry.spacing[0] / 2, 5);
    expect(derived.geometry.spacing[1]).toBeCloseTo(source.geometry.spacing[1] / 2, 5);
    const ds = parseDicom(bytes).dataset as Record<string, unknown>;
    const src = parseDicom(new Uint8Array(readFileSync(input))).dataset as Record<string, unknown>;
    expect([ds.Rows, ds.Columns]).toEqual([128, 128]);
    expect(ds.ImageType).toEqual(expect.arrayContaining(['DERIVED', 'SECONDARY']));
    expect(String(ds.SeriesDescription)).toMatch(/^RESEARCH ONLY SR x2/);
    expect(ds.StudyInstanceUID).toBe(src.StudyInstanceUID);
    expect(ds.SeriesInstanceUID).not.toBe(src.SeriesInstanceUID);
    expect(ds.SeriesInstanceUID).toBe(r.seriesInstanceUID);
    const ref = (ds.SourceImageSequence as Array<Record<string, unknown>>)[0]!;
    expect(ref.ReferencedSOPInstanceUID).toBe(src.SOPInstanceUID);
    expect(String(ds.DerivationDescription)).toMatch(/Med-cDiff super-resolution x2 \(ddim, 2 steps, 1 sample\)/);

    await expect(runModel({ model, input, out, factor: 2, ...fast })).rejects.toBeInstanceOf(OutputExistsError);
    await runModel({ model, input, out, factor: 2, ...fast, force: true });
    expect(readdirSync(out)).toEqual(['result-0001.dcm']);
    await expect(runModel({ model, input, out: join(tmp, 'x3'), factor: 3, ...fast })).rejects.toThrow(/trained for super-resolution by x2, x4, not x3/);
    await expect(runModel({ model, input, out: join(tmp, 'x3'), ...fast })).rejects.toThrow(/Choose --factor: these weights were trained for 2, 4/);
    await expect(runModel({ model, input, out: join(tmp, 'dn'), task: 'denoising', ...fast })).rejects.toBeInstanceOf(UnsupportedRequestError);
    await expect(runModel({ model, input, out: join(tmp, 'dn'), mask: '1,1,4,4', ...fast })).rejects.toThrow(/needs inpainting weights, but the loaded weights are a super-resolution model/);
  });

  it('denoises the middle slice of a DICOM series folder with 2 samples: a result series and a standard-deviation series', async () => {
    const model = await savedTinyModel(join(tmp, 'dn-model'), 'denoising');
    const out = join(tmp, 'dn-out');
    const r = await runModel({ model, input: sampleMrSeries(), out, samples: 2, ...fast });
    expect(r.slices).toEqual([15]);
    expect(r.shape).toEqual([1, 217, 181]);
    const { series } = await readDicomFolder(out);
    // The spread is a colour map (palette colour Secondary Capture), which the greyscale reader passes over.
    expect(series).toHaveLength(1);
    expect(String((series[0]!.volume.source.dicomAttributes as Record<string, unknown>).SeriesDescription)).toMatch(/^RESEARCH ONLY denoised/);
    expect(r.stdFiles).toHaveLength(1);
    const sd = parseDicom(new Uint8Array(readFileSync(r.stdFiles[0]!))).dataset as Record<string, unknown>;
    expect(String(sd.SeriesDescription)).toMatch(/^RESEARCH ONLY SD denoised/);
    expect(sd.PhotometricInterpretation).toBe('PALETTE COLOR');
    expect(String(sd.ImageComments)).toMatch(/standard deviation over 2 samples/);
    const indices = new Uint8Array((sd.PixelData as ArrayBuffer[])[0]!);
    expect(Math.max(...indices)).toBe(255);
    // The source slice is referenced: the series' 16th instance.
    const source = await readImageFile(sampleMrSeries());
    expect(series[0]!.volume.source.dicomAttributes).toBeDefined();
    for (const f of [...r.files, ...r.stdFiles]) expect(dciodvfy(new Uint8Array(readFileSync(f))).errors, f).toEqual([]);
    const ds = parseDicom(new Uint8Array(readFileSync(r.files[0]!))).dataset as Record<string, unknown>;
    expect((ds.SourceImageSequence as Array<Record<string, unknown>>)[0]!.ReferencedSOPInstanceUID).toBe(source.source.dicom![15]!.sopInstanceUID);
  });

  it('with a uidName, writing the same result again gives the same series and instance UIDs', async () => {
    const model = await savedTinyModel(join(tmp, 'uid-model'), 'denoising');
    const uidsOf = (files: string[]) => files.map((f) => { const ds = parseDicom(new Uint8Array(readFileSync(f))).dataset; return `${String(ds['SeriesInstanceUID'])} ${String(ds['SOPInstanceUID'])}`; });
    const a = await runModel({ model, input: sampleMrSeries(), out: join(tmp, 'uid-a'), samples: 2, uidName: 'job-1', ...fast });
    const b = await runModel({ model, input: sampleMrSeries(), out: join(tmp, 'uid-b'), samples: 2, uidName: 'job-1', ...fast });
    expect(uidsOf(b.files)).toEqual(uidsOf(a.files));
    expect(uidsOf(b.stdFiles)).toEqual(uidsOf(a.stdFiles));
    expect(a.stdSeriesInstanceUID).not.toBe(a.seriesInstanceUID);
    const other = await runModel({ model, input: sampleMrSeries(), out: join(tmp, 'uid-c'), uidName: 'job-2', ...fast });
    expect(other.seriesInstanceUID).not.toBe(a.seriesInstanceUID);
  });

  it('inpaints a NIfTI slice inside a rectangle and writes NIfTI; other pixels are the input\'s', async () => {
    const model = await savedTinyModel(join(tmp, 'in-model'), 'inpainting');
    const input = dipyNifti();
    const out = join(tmp, 'in-out', 'filled.nii.gz');
    const r = await runModel({ model, input, out, slice: 4, mask: '40,50,20,16', samples: 2, ...fast });
    expect(r.format).toBe('nifti');
    expect(r.stdFiles).toEqual([join(tmp, 'in-out', 'filled_std.nii.gz')]);
    const written = readNifti(readFileSync(out)).volume;
    const source = volumeSlice(await readImageFile(input), 4);
    expect(written.shape).toEqual([1, 128, 128]);
    written.geometry.origin.forEach((v, i) => expect(v).toBeCloseTo(source.geometry.origin[i]!, 3));
    let changed = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const i = y * 128 + x;
        const inside = x >= 40 && x < 60 && y >= 50 && y < 66;
        if (!inside) expect(written.data[i]).toBe(source.data[i]);
        else if (written.data[i] !== source.data[i]) changed++;
      }
    }
    expect(changed).toBeGreaterThan(100);
    const std = readNifti(readFileSync(r.stdFiles[0]!)).volume;
    expect(std.data.filter((v) => v > 0).length).toBeGreaterThan(100);
    expect(std.data.filter((v) => v > 0).length).toBeLessThanOrEqual(20 * 16);
  });

  it('--force replaces the whole earlier output: no stale _std file, no stranger\'s instances beside the new series', async () => {
    const model = await savedTinyModel(join(tmp, 'force-model'), 'inpainting');
    const out = join(tmp, 'force-out', 'filled.nii.gz');
    const std = join(tmp, 'force-out', 'filled_std.nii.gz');
    const input = dipyNifti();
    await runModel({ model, input, out, slice: 4, mask: '40,50,20,16', samples: 2, ...fast });
    expect(existsSync(std)).toBe(true);
    const r = await runModel({ model, input, out, slice: 4, mask: '40,50,20,16', samples: 1, ...fast, force: true });
    expect(r.stdFiles).toEqual([]);
    expect(readdirSync(join(tmp, 'force-out'))).toEqual(['filled.nii.gz']);
    // A _std file left without its result is not written beside a new one without --force.
    rmSync(out);
    writeFileSync(std, 'earlier');
    await expect(runModel({ model, input, out, slice: 4, mask: '40,50,20,16', ...fast })).rejects.toThrow(/filled_std\.nii\.gz already exists; pass --force/);
    expect(readFileSync(std, 'utf8')).toBe('earlier');
    // A DICOM output folder holding someone else's files is refused even with --force, and kept.
    const folder = join(tmp, 'force-dicom');
    mkdirSync(folder);
    writeFileSync(join(folder, 'IM0001.dcm'), 'theirs');
    const dicom = pydicomFile('MR_small.dcm');
    await expect(runModel({ model, input: dicom, out: folder, mask: '10,10,8,8', ...fast, force: true })).rejects.toThrow(/holds files this command did not write \(IM0001\.dcm\).*Choose an empty --out/);
    expect(readdirSync(folder)).toEqual(['IM0001.dcm']);
  });

  it('says what is wrong with a mask, a slice or an output', async () => {
    const model = await savedTinyModel(join(tmp, 'in-model-2'), 'inpainting');
    const input = pydicomFile('MR_small.dcm');
    const empty = join(tmp, 'empty.png');
    writeFileSync(empty, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64), channels: 1, depth: 8 }));
    const small = join(tmp, 'small.png');
    writeFileSync(small, encode({ width: 32, height: 64, data: new Uint8Array(32 * 64).fill(255), channels: 1, depth: 8 }));
    const full = join(tmp, 'full.png');
    writeFileSync(full, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255), channels: 1, depth: 8 }));
    const out = join(tmp, 'bad');
    await expect(runModel({ model, input, out, mask: empty, ...fast })).rejects.toThrow(/mask is empty/);
    await expect(runModel({ model, input, out, mask: full, ...fast })).rejects.toThrow(/covers the whole slice/);
    await expect(runModel({ model, input, out, mask: small, ...fast })).rejects.toThrow(InvalidInputError);
    await expect(runModel({ model, input, out, mask: '60,0,10,10', ...fast })).rejects.toThrow(/inside the 64 x 64/);
    await expect(runModel({ model, input, out, ...fast })).rejects.toThrow(/needs --mask/);
    await expect(runModel({ model, input, out, mask: '1,1,4,4', slice: 1, ...fast })).rejects.toThrow(/--slice 1 is outside the image, which has 1 slice/);
    await expect(runModel({ model, input: dipyNifti(), out: join(tmp, 'nifti-as-dicom'), mask: '1,1,4,4', ...fast })).rejects.toBeInstanceOf(UsageError);
    await expect(runModel({ model, input, out, factor: 2, ...fast })).rejects.toThrow(/--factor is for super-resolution, but the task is inpainting|needs super-resolution weights/);
    // A PNG that does not decode is a typed error, not a stack trace; one claiming a huge size is refused before decoding.
    const broken = join(tmp, 'broken.png');
    writeFileSync(broken, Buffer.concat([readFileSync(full).subarray(0, 40), Buffer.alloc(20, 0xab)]));
    await expect(runModel({ model, input, out, mask: broken, ...fast })).rejects.toThrow(/The mask broken\.png is not a readable PNG/);
    const notPng = join(tmp, 'text.png');
    writeFileSync(notPng, 'hello');
    await expect(runModel({ model, input, out, mask: notPng, ...fast })).rejects.toThrow(/The mask text\.png is not a PNG file/);
    const huge = join(tmp, 'huge.png');
    const header = Buffer.from(readFileSync(full).subarray(0, 33));
    header.writeUInt32BE(100_000, 16);
    header.writeUInt32BE(100_000, 20);
    writeFileSync(huge, header);
    await expect(runModel({ model, input, out, mask: huge, ...fast })).rejects.toThrow(/huge\.png is 100000 x 100000 pixels but the slice is 64 x 64/);
    // --model may name the model.json inside the folder.
    await expect(runModel({ model: join(model, 'model.json'), input, out, mask: empty, ...fast })).rejects.toThrow(/mask is empty/);
    // An output that cannot be written is refused before sampling.
    const blocker = join(tmp, 'a-file');
    writeFileSync(blocker, 'x');
    await expect(runModel({ model, input, out: join(blocker, 'out'), mask: '1,1,4,4', ...fast })).rejects.toThrow(/Cannot write to .*a-file is a file, not a folder/);
    await expect(runModel({ model, input: dipyNifti(), out: join(blocker, 'x.nii.gz'), mask: '1,1,4,4', ...fast })).rejects.toBeInstanceOf(UsageError);
  });
});
