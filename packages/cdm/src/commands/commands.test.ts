import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, selectBackend } from '@meddiff/diffusion-core';
import { readDicomFiles, readNifti, reorientLike, writeNifti, type Volume } from '@meddiff/imaging';
import { dciodvfy, readDicomFolder } from '@meddiff/imaging/node';
import { NotCoregisteredError, UnsupportedModalityError } from '../errors';
import { writeSimulatedBrainStudy } from '../node/sampleStudy';
import { evaluate } from './evaluate';
import { runModel } from './run';
import { simulate } from './simulate';
import { train } from './train';
import { OutputExistsError, UsageError } from './errors';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

const work = mkdtempSync(join(tmpdir(), 'cdm-commands-'));
const lines: string[] = [];
const log = (l: string) => lines.push(l);
const tiny = { size: 'tiny' as const, imageSize: 32, modalities: 't1-to-t2-flair' as const, log, checkpointEvery: 2, validateEvery: 0, logEvery: 10 };

describe('cdm commands', () => {
  it('simulate: renders the dataset once (then reports it up to date) and writes a preview', async () => {
    const first = await simulate({ log });
    expect(first.train).toBeGreaterThan(100);
    expect(first.val).toBeGreaterThan(20);
    const again = await simulate({ log, preview: join(work, 'preview.png') });
    expect(again.built).toBe(false);
    expect(readFileSync(join(work, 'preview.png')).subarray(1, 4).toString()).toBe('PNG');
    await expect(simulate({ from: ['one.nii.gz'], out: join(work, 'x') })).rejects.toBeInstanceOf(UsageError);
  });

  it('train: stages in order, resumes an interrupted stage from its checkpoint, skips finished ones', async () => {
    const out = join(work, 'run');
    await expect(train({ ...tiny, stage: 'cunet', out, steps: 2 })).rejects.toThrow(/needs the trained mrm/);
    // Interrupt the MRM after its fourth step: a checkpoint is written, then the call rejects.
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    await expect(train({ ...tiny, stage: 'mrm', out, steps: 6, onLog: (l) => l.step >= 4 && controller.abort(), logEvery: 1, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(join(out, 'checkpoints', 'mrm')).some((f) => f.startsWith('step-0000000'))).toBe(true);
    const resumed = await train({ stage: 'mrm', out, steps: 6, log });
    expect(resumed.stages[0]).toMatchObject({ stage: 'mrm', steps: 6, skipped: false });
    expect(resumed.stages[0]!.resumedFrom).toMatch(/^step-0000000[45]$/);
    const all = await train({ stage: 'all', out, steps: 3, log });
    expect(all.stages.map((s) => [s.stage, s.skipped])).toEqual([['mrm', true], ['mdn', false], ['cunet', false], ['baseline', false]]);
    expect(existsSync(join(out, 'model', 'cdm.json'))).toBe(true);
    expect(existsSync(join(out, 'baseline', 'model.json'))).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { stages: Record<string, { steps: number }> };
    expect(Object.fromEntries(Object.entries(run.stages).map(([k, v]) => [k, v.steps]))).toEqual({ mrm: 6, mdn: 3, cunet: 3, baseline: 3 });
    // Another model's options in the same run folder are refused.
    await expect(train({ stage: 'mrm', out, modalities: 'brats', log })).rejects.toThrow(/describe another model/);
    // Every stage frees what it made, also the interrupted one.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluate: PSNR, SSIM and MAE per target for CDM and the baselines', async () => {
    const { report, markdown, files } = await evaluate({ model: join(work, 'run', 'model'), count: 12, ddimSteps: 3, out: join(work, 'eval'), log });
    expect(report.methods.map((m) => m.name)).toEqual(['CDM', 'CDM, true target vector', 'plain U-Net', 'histogram matching']);
    for (const m of report.methods) {
      for (const t of ['T2', 'FLAIR']) {
        const s = m.perTarget[t]!;
        expect(Number.isFinite(s.psnr) && s.ssim <= 1 && s.mae >= 0).toBe(true);
      }
    }
    expect(markdown).toMatch(/## FLAIR/);
    expect(markdown).toMatch(/\| CDM \| -?\d+\.\d\d ± \d+\.\d\d \|/);
    // A montage per target: sources, histogram matching, plain U-Net, CDM, truth and error, 4 rows of 16 px slices at 8x.
    expect(files.map((f) => f.split('/').at(-1))).toEqual(['report.json', 'report.md', 'montage-T2.png', 'montage-FLAIR.png']);
    const png = readFileSync(join(work, 'eval', 'montage-FLAIR.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([6 * 128 + 7 * 2, 4 * 128 + 5 * 2]);
    expect(markdown).toMatch(/Columns: T1 \(source\), histogram matching, plain U-Net, CDM, truth, \|CDM - truth\|/);
    expect(JSON.stringify(report)).not.toMatch(/examples/);
    // --record writes the scores into the model's card as a new version, beside histogram matching and the plain U-Net.
    const before = JSON.parse(readFileSync(join(work, 'run', 'model', 'cdm.json'), 'utf8')) as { card: { version: string; metrics: Array<{ name: string; value: number; data: string; baseline?: { value: number } }> } };
    await evaluate({ model: join(work, 'run', 'model'), count: 12, ddimSteps: 3, montageSlices: 0, out: join(work, 'eval-record'), record: '0.2.0', log });
    const { card } = JSON.parse(readFileSync(join(work, 'run', 'model', 'cdm.json'), 'utf8')) as typeof before;
    expect(card.version).toBe('0.2.0');
    const recorded = card.metrics.filter((m) => /val split \(12 of \d+ slices\)/.test(m.data));
    expect(recorded.map((m) => m.name)).toEqual(['psnr', 'psnr (plain U-Net)', 'ssim', 'ssim (plain U-Net)', 'psnr', 'psnr (plain U-Net)', 'ssim', 'ssim (plain U-Net)']);
    expect(recorded[0]!.value).toBeCloseTo(report.methods[0]!.perTarget['T2']!.psnr, 3);
    expect(recorded[0]!.baseline!.value).toBeCloseTo(report.methods[3]!.perTarget['T2']!.psnr, 3);
    expect(card.metrics.length).toBe(before.card.metrics.length + recorded.length);
    await expect(evaluate({ model: join(work, 'run', 'model'), count: 2, record: '0.2.0' })).rejects.toThrow(/already has version 0.2.0/);
    await expect(evaluate({ model: join(work, 'run', 'model'), count: 2, out: join(work, 'eval') })).rejects.toBeInstanceOf(OutputExistsError);
    // The simulated set has no test split (cdm-protocols-* has): refused by name.
    await expect(evaluate({ model: join(work, 'run', 'model'), split: 'test', count: 2, out: join(work, 'eval-test') })).rejects.toThrow(/the test split of .*has the splits train, val/);
  });

  it('run: translates a NIfTI volume slice by slice onto its grid and storage order, and refuses sources that do not line up', async () => {
    // A small T1 volume: the simulated study's T1 series read back as a volume, written as NIfTI in
    // RAS storage order (as most NIfTI tools write), which the command reads as LPS to translate.
    const study = writeSimulatedBrainStudy({ outDir: join(work, 'study'), slices: 4, log });
    const t1Folder = join(study.dir, study.index.series.find((s) => s.contrast === 'T1')!.folder);
    const t1 = reorientLike((await readDicomFolder(t1Folder)).series[0]!.volume, [-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    const t1File = join(work, 't1.nii.gz');
    writeFileSync(t1File, writeNifti(t1, { gzip: true }));
    const out = join(work, 'nifti-out');
    const r = await runModel({ model: join(work, 'run', 'model'), sources: { T1: t1File }, targets: ['FLAIR'], out, ddimSteps: 3, log });
    expect(r.format).toBe('nifti');
    const flair = readNifti(new Uint8Array(readFileSync(join(out, 'FLAIR.nii.gz')))).volume;
    const input = readNifti(new Uint8Array(readFileSync(t1File))).volume;
    expect(flair.shape).toEqual(input.shape);
    expect(flair.geometry.origin.map((v) => Number(v.toFixed(3)))).toEqual(input.geometry.origin.map((v) => Number(v.toFixed(3))));
    // Written as the input was stored (a reader that ignores the affine sees both the same way round).
    expect(flair.geometry.direction.map((v) => Math.round(v) + 0)).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(input.geometry.direction.map((v) => Math.round(v) + 0)).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(flair.data.some((v) => v !== flair.data[0])).toBe(true);
    await expect(runModel({ model: join(work, 'run', 'model'), sources: { T1: t1File }, targets: ['PD'], out: join(work, 'x') })).rejects.toBeInstanceOf(UnsupportedModalityError);
    await expect(runModel({ model: join(work, 'run', 'model'), sources: { T1: t1File }, out })).rejects.toBeInstanceOf(OutputExistsError);
    // A two-source model given volumes on different grids.
    const shifted: Volume = { ...input, geometry: { ...input.geometry, origin: [input.geometry.origin[0] + 5, input.geometry.origin[1], input.geometry.origin[2]] } };
    writeFileSync(join(work, 't2.nii.gz'), writeNifti(shifted, { gzip: true }));
    const two = join(work, 'run2');
    await train({ ...tiny, modalities: 't1-t2-to-flair-pd', stage: 'all', out: two, steps: 1 });
    await expect(runModel({ model: join(two, 'model'), sources: { T1: t1File, T2: join(work, 't2.nii.gz') }, out: join(work, 'y') })).rejects.toBeInstanceOf(NotCoregisteredError);
  });

  it('run: a DICOM pair of the simulated study gives derived DICOM series in the same study and frame of reference', async () => {
    const study = writeSimulatedBrainStudy({ outDir: join(work, 'study'), slices: 4, log });
    expect(study.built).toBe(false);
    const folder = (c: string) => join(study.dir, study.index.series.find((s) => s.contrast === c)!.folder);
    const out = join(work, 'dicom-out');
    const r = await runModel({ model: join(work, 'run2', 'model'), sources: { T1: folder('T1'), T2: folder('T2') }, out, ddimSteps: 2, log });
    expect(r.format).toBe('dicom');
    const files = readdirSync(join(out, 'PD')).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(out, 'PD', f))) }));
    for (const f of files) expect(dciodvfy(f.bytes).errors, f.name).toEqual([]);
    const { series } = await readDicomFiles(files);
    expect(series).toHaveLength(1);
    const derived = series[0]!.volume;
    expect(derived.shape).toEqual([4, study.index.series[0]!.rows, study.index.series[0]!.cols]);
    expect(derived.frameOfReferenceUID).toBe(study.index.frameOfReferenceUID);
    expect(derived.source.dicomAttributes?.['StudyInstanceUID']).toBe(study.index.studyInstanceUID);
    expect(String(derived.source.dicomAttributes?.['SeriesDescription'])).toMatch(/^RESEARCH ONLY/);
    // --force with fewer slices: the earlier run's other instances do not stay beside the new series.
    await runModel({ model: join(work, 'run2', 'model'), sources: { T1: folder('T1'), T2: folder('T2') }, out, slices: [0, 1], ddimSteps: 2, force: true, log });
    const again = readdirSync(join(out, 'PD')).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(out, 'PD', f))) }));
    expect(again.map((f) => f.name)).toEqual(['IM0001.dcm', 'IM0002.dcm']);
    expect((await readDicomFiles(again)).series).toHaveLength(1);
    // Files it did not write are neither deleted nor joined, even with --force; nothing is translated.
    writeFileSync(join(out, 'PD', 'theirs.dcm'), 'theirs');
    await expect(runModel({ model: join(work, 'run2', 'model'), sources: { T1: folder('T1'), T2: folder('T2') }, out, ddimSteps: 2, force: true, log })).rejects.toThrow(/PD holds files this command did not write \(theirs\.dcm\)/);
    expect(readdirSync(join(out, 'PD'))).toEqual(['IM0001.dcm', 'IM0002.dcm', 'theirs.dcm']);
  });
});

describe('training from a folder of co-registered NIfTI cases (BraTS layout)', () => {
  it('pairs the contrasts by file-name suffix, splits by case and trains', async () => {
    const root = join(work, 'brats');
    for (const [c, seed] of [['case-a', 1], ['case-b', 2], ['case-c', 3]] as const) {
      const study = writeSimulatedBrainStudy({ outDir: join(work, `study-${c}`), slices: 6, seed, modalities: ['T1', 'T2', 'FLAIR'] });
      mkdirSync(join(root, c), { recursive: true });
      for (const s of study.index.series) {
        const volume = (await readDicomFolder(join(study.dir, s.folder))).series[0]!.volume;
        writeFileSync(join(root, c, `${c}_${s.contrast.toLowerCase()}.nii.gz`), writeNifti(volume, { gzip: true }));
      }
    }
    writeFileSync(join(root, 'case-c', 'notes.txt'), 'not an image');
    const out = join(work, 'brats-run');
    const { modalities: _preset, ...sizeOnly } = tiny;
    const r = await train({ ...sizeOnly, sources: ['T1'], targets: ['T2', 'FLAIR'], stage: 'mrm', from: root, out, steps: 2, cacheDir: join(work, 'cache') });
    expect(r.stages[0]).toMatchObject({ stage: 'mrm', steps: 2 });
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { data: string };
    const manifest = JSON.parse(readFileSync(join(run.data, 'manifest.json'), 'utf8')) as { channels: string[]; subjects: Array<{ id: string; split: string }> };
    expect(manifest.channels).toEqual(['t1', 't2', 'flair']);
    expect(manifest.subjects.map((x) => x.split).sort()).toEqual(['train', 'train', 'val']);
  });
});

describe('simulated sample study', () => {
  it('has one co-registered series per contrast in one study', async () => {
    const study = writeSimulatedBrainStudy({ outDir: join(work, 'study'), slices: 4 });
    const volumes = await Promise.all(study.index.series.map(async (s) => (await readDicomFolder(join(study.dir, s.folder))).series[0]!.volume));
    expect(study.index.series.map((s) => s.contrast)).toEqual(['T1', 'T2', 'PD', 'FLAIR']);
    const uids = new Set(volumes.map((v) => v.source.dicomAttributes?.['SeriesInstanceUID']));
    expect(uids.size).toBe(4);
    for (const v of volumes) {
      expect(v.frameOfReferenceUID).toBe(study.index.frameOfReferenceUID);
      expect(v.source.dicomAttributes?.['StudyInstanceUID']).toBe(study.index.studyInstanceUID);
      expect(v.geometry).toEqual(volumes[0]!.geometry);
      expect(v.shape).toEqual(volumes[0]!.shape);
    }
    // Contrast between the series: T2's brightest brain pixels (CSF) are dark in T1.
    const [t1, t2] = [volumes[0]!, volumes[1]!];
    const sorted = Float32Array.from(t2.data).sort();
    const bright = sorted[Math.floor(0.97 * sorted.length)]!;
    const t1max = t1.data.reduce((a, v) => Math.max(a, v), 0);
    let inCsf = 0;
    let nCsf = 0;
    let inHead = 0;
    let nHead = 0;
    for (let i = 0; i < t1.data.length; i++) {
      if (t1.data[i]! > 0.1 * t1max) {
        inHead += t1.data[i]!;
        nHead++;
      }
      if (t2.data[i]! >= bright) {
        inCsf += t1.data[i]!;
        nCsf++;
      }
    }
    expect(inCsf / nCsf).toBeLessThan(0.8 * (inHead / nHead));
  });
});
