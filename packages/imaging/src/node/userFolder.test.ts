import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFile } from '../testing/openData.js';
import { readNifti } from '../nifti/readNifti.js';
import { writeNifti } from '../nifti/writeNifti.js';
import { writeDicomSeries } from '../dicom/writeDicom.js';
import { buildUserDataset, discoverUserVolumes } from './userFolder.js';
import { readDataset } from './writeDataset.js';
import type { Volume } from '../image.js';

// A BraTS-like folder made from real scans: subjects are crops of Colin27 and of inia19, with "t1" the
// scan and "t2" a different (inverted) contrast of the same anatomy, plus a DICOM series and junk.
let root = '';
let out = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'meddiff-user-'));
  out = mkdtempSync(join(tmpdir(), 'meddiff-out-'));
  const srcs = [
    readNifti(new Uint8Array(readFileSync(openFile('mricron-data', 'usr/share/mricron/templates/ch2.nii.gz'))), { modality: 'MR' }).volume,
    readNifti(new Uint8Array(readFileSync(openFile('mricron-data', 'usr/share/mricron/templates/inia19-t1-brain.nii.gz'))), { modality: 'MR' }).volume,
  ];
  const crop = (v: Volume, z0: number): Volume => {
    const [, r, c] = v.shape;
    const n = r * c;
    return { ...v, data: v.data.slice(z0 * n, (z0 + 12) * n), shape: [12, r, c] };
  };
  for (let s = 0; s < 4; s++) {
    const v = crop(srcs[s % 2]!, 40 + 10 * s);
    const t2 = { ...v, data: v.data.map((x) => (x > 0 ? 300 - x : 0)) };
    mkdirSync(join(root, `Subject_${s}`));
    writeFileSync(join(root, `Subject_${s}`, `Subject_${s}_t1.nii.gz`), writeNifti(v, { gzip: true }));
    writeFileSync(join(root, `Subject_${s}`, `Subject_${s}_t2.nii`), writeNifti(t2));
    writeFileSync(join(root, `Subject_${s}`, 'notes.txt'), 'acquired on a Tuesday');
  }
  // Subject 4 lacks t2.
  mkdirSync(join(root, 'Subject_4'));
  writeFileSync(join(root, 'Subject_4', 'Subject_4_t1.nii.gz'), writeNifti(crop(srcs[0]!, 60), { gzip: true }));
  // A DICOM series of its own subject, with one broken file.
  mkdirSync(join(root, 'Dicom_Subject', 'series'), { recursive: true });
  const dicom = writeDicomSeries(crop(srcs[0]!, 90), { sopClass: 'MR', patient: { id: 'P-DICOM' } }).files;
  dicom.forEach((b, k) => writeFileSync(join(root, 'Dicom_Subject', 'series', `IM${k}`), b));
  writeFileSync(join(root, 'Dicom_Subject', 'series', 'IM-broken'), new Uint8Array(300).fill(7));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('datasets from a user folder', () => {
  it('pairs channels per subject (BraTS style) and splits by subject', async () => {
    const { manifest, dir } = await buildUserDataset(root, { name: 'brats-like', outDir: join(out, 'brats-like'), channels: ['t1', 't2'], size: 32, valFraction: 0.25 });
    expect(manifest.channels).toEqual(['t1', 't2']);
    expect(manifest.volumes.map((v) => v.subject).sort()).toEqual(['Subject_0', 'Subject_1', 'Subject_2', 'Subject_3']);
    expect(manifest.skipped.map((s) => s.file)).toContain('Subject_4');
    expect(manifest.subjects.filter((s) => s.split === 'val')).toHaveLength(1);
    const train = readDataset(dir, 'train');
    expect(train.shape.slice(1)).toEqual([2, 32, 32]);
    // t2 is an inverted t1: where both show tissue the two channels are anti-correlated.
    const hw = 32 * 32;
    const a: number[] = [];
    const b: number[] = [];
    for (let n = 0; n < train.shape[0]; n++) {
      for (let i = 0; i < hw; i++) {
        const t1 = train.data[n * 2 * hw + i]!;
        const t2 = train.data[n * 2 * hw + hw + i]!;
        if (t1 > -0.9 && t2 > -0.9) (a.push(t1), b.push(t2));
      }
    }
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const [ma, mb] = [mean(a), mean(b)];
    const cov = a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0);
    expect(a.length).toBeGreaterThan(100);
    expect(cov).toBeLessThan(0);
    expect(manifest.volumes.every((v) => v.stats.length === 2 && v.provenance.length === 2 && v.provenance[0]!.kind === 'user')).toBe(true);
  });
  it('without channels: every NIfTI and every DICOM series is a volume; bad files are reported', async () => {
    const { groups, skipped } = await discoverUserVolumes(root);
    expect(groups.filter((g) => g.id.endsWith('.nii') || g.id.endsWith('.nii.gz'))).toHaveLength(9);
    const dicom = groups.find((g) => g.id.includes('#'))!;
    expect(dicom.subject).toBe('Dicom_Subject');
    expect(dicom.load()[0]!.shape[0]).toBe(12);
    expect(skipped.some((s) => s.file.endsWith('IM-broken'))).toBe(true);
  });
  it('a folder with nothing readable says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'meddiff-empty-'));
    writeFileSync(join(empty, 'readme.txt'), 'nothing here');
    await expect(discoverUserVolumes(empty)).rejects.toThrow(/No NIfTI file or DICOM series/);
    rmSync(empty, { recursive: true, force: true });
  });
});
