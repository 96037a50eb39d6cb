import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { MissingDataError } from '../errors.js';
import type { Volume } from '../image.js';
import { readDicom } from '../dicom/readDicom.js';
import { readDicomFiles, type DicomFilesResult, type ReadSeriesOptions } from '../dicom/readSeries.js';
import { readNifti } from '../nifti/readNifti.js';

export function readFile(path: string): Uint8Array {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new MissingDataError(`the file ${path}`, 'Check the path.');
  return new Uint8Array(readFileSync(path));
}

/** Reads every file under a folder (recursively, skipping dot-files and DICOMDIR) as DICOM. */
export async function readDicomFolder(dir: string, options: ReadSeriesOptions = {}): Promise<DicomFilesResult> {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new MissingDataError(`the folder ${dir}`, 'Give a folder of DICOM files.');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.toUpperCase() === 'DICOMDIR') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
  files.sort();
  return readDicomFiles(files.map((f) => ({ name: relative(dir, f) || basename(f), bytes: readFile(f) })), options);
}

/** Reads a NIfTI file (.nii, .nii.gz), a DICOM file, or a folder (its largest DICOM series). */
export async function readImageFile(path: string): Promise<Volume> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const res = await readDicomFolder(path);
    const s = res.series[0];
    if (!s) throw res.failedSeries[0]?.error ?? res.skipped[0]?.error ?? new MissingDataError(`a DICOM series in ${path}`, 'The folder holds no readable DICOM image.');
    return s.volume;
  }
  if (/\.nii(\.gz)?$/i.test(path)) return readNifti(readFile(path), { file: path }).volume;
  return readDicom(readFile(path), { file: path });
}
