import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { InvalidArgumentError, MissingDataError } from '../errors.js';
import type { Volume } from '../image.js';
import { readDicomFiles } from '../dicom/readSeries.js';
import { readNifti } from '../nifti/readNifti.js';
import type { Provenance } from '../dataset/manifest.js';
import { type VolumeGroup, writeDataset, type WriteDatasetOptions } from './writeDataset.js';

const NIFTI = /\.nii(\.gz)?$/i;
const NOT_DICOM = /\.(json|txt|csv|tsv|md|html?|xml|png|jpe?g|gif|pdf|zip|gz|tar|bval|bvec|mat|py|sh)$/i;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function stem(file: string): string {
  return basename(file).replace(NIFTI, '');
}

/** Channel name of a NIfTI file: its stem ends with `_<name>` or `-<name>`, or is the name. */
function channelOf(file: string, channels: readonly string[]): string | undefined {
  const s = stem(file).toLowerCase();
  return channels.find((c) => s === c.toLowerCase() || s.endsWith(`_${c.toLowerCase()}`) || s.endsWith(`-${c.toLowerCase()}`));
}

function userProvenance(root: string, file: string, bytes?: Uint8Array): Provenance {
  return { kind: 'user', file: relative(root, file), licence: 'user-provided data (licence as given by its owner)', sha256: createHash('sha256').update(bytes ?? readFileSync(file)).digest('hex') };
}

export interface UserFolderOptions {
  /** Channel names to pair per subject (e.g. ['t1', 't1ce', 't2', 'flair'] for BraTS); default one channel per file. */
  readonly channels?: readonly string[];
  /** DICOM-style modality to record for NIfTI files (they carry none); default 'MR'. */
  readonly modality?: string;
}

/**
 * Finds the volumes in a user's folder: NIfTI files (.nii, .nii.gz) and DICOM series. The subject is
 * the first folder level below `root` (or, for files lying in `root`, the file's name; for DICOM, the
 * PatientID when that first level does not exist). With `channels`, each subject's NIfTI files are
 * paired by name suffix (BraTS style: `<subject>_t1.nii.gz`).
 */
export async function discoverUserVolumes(root: string, options: UserFolderOptions = {}): Promise<{ groups: VolumeGroup[]; skipped: { file: string; reason: string }[] }> {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new MissingDataError(`the folder ${root}`, 'Give an existing folder of NIfTI files or DICOM series.');
  const files = walk(root);
  const skipped: { file: string; reason: string }[] = [];
  const subjectOf = (f: string) => {
    const rel = relative(root, f).split(sep);
    return rel.length > 1 ? rel[0]! : stem(f);
  };
  const modality = options.modality ?? 'MR';
  const groups: VolumeGroup[] = [];
  const niftis = files.filter((f) => NIFTI.test(f));
  const channels = options.channels;
  if (channels && channels.length > 0) {
    const bySubject = new Map<string, Map<string, string>>();
    for (const f of niftis) {
      const ch = channelOf(f, channels);
      if (!ch) continue;
      const s = subjectOf(f);
      const m = bySubject.get(s) ?? new Map<string, string>();
      if (m.has(ch)) skipped.push({ file: relative(root, f), reason: `a second ${ch} file for subject ${s}; kept ${relative(root, m.get(ch)!)}` });
      else m.set(ch, f);
      bySubject.set(s, m);
    }
    for (const [subject, m] of [...bySubject].sort(([a], [b]) => a.localeCompare(b))) {
      const missing = channels.filter((c) => !m.has(c));
      if (missing.length) {
        skipped.push({ file: subject, reason: `missing channel(s) ${missing.join(', ')}` });
        continue;
      }
      const paths = channels.map((c) => m.get(c)!);
      groups.push({
        id: relative(root, paths[0]!).replace(NIFTI, ''),
        subject,
        modality,
        channelNames: channels,
        load: () => paths.map((p) => readNifti(new Uint8Array(readFileSync(p)), { file: relative(root, p), modality }).volume),
        provenance: paths.map((p) => userProvenance(root, p)),
      });
    }
  } else {
    for (const f of niftis) {
      groups.push({
        id: relative(root, f),
        subject: subjectOf(f),
        modality,
        channelNames: ['image'],
        load: () => [readNifti(new Uint8Array(readFileSync(f)), { file: relative(root, f), modality }).volume],
        provenance: [userProvenance(root, f)],
      });
    }
    // DICOM: every other file, grouped by folder, then by series.
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      if (NIFTI.test(f) || NOT_DICOM.test(f) || basename(f).toUpperCase() === 'DICOMDIR') continue;
      const d = join(f, '..');
      byDir.set(d, [...(byDir.get(d) ?? []), f]);
    }
    for (const [, list] of byDir) {
      const named = list.map((f) => ({ name: relative(root, f), bytes: new Uint8Array(readFileSync(f)) }));
      const res = await readDicomFiles(named);
      for (const s of res.skipped) skipped.push({ file: s.file, reason: s.error.message });
      for (const s of res.failedSeries) skipped.push({ file: s.files[0] ?? s.seriesInstanceUID, reason: s.error.message });
      for (const s of res.series) {
        const v: Volume = s.volume;
        const firstFile = v.source.files[0] ?? '';
        const rel = firstFile.split(/[\\/]/);
        const patient = String(v.source.dicomAttributes?.['PatientID'] ?? '');
        const subject = rel.length > 1 ? rel[0]! : patient || s.seriesInstanceUID;
        const hash = createHash('sha256');
        for (const f of v.source.files) hash.update(named.find((n) => n.name === f)?.bytes ?? new Uint8Array());
        groups.push({
          id: `${relative(root, join(root, firstFile, '..')) || '.'}#${s.seriesInstanceUID}`,
          subject,
          modality: v.modality ?? 'OT',
          channelNames: ['image'],
          // Already decoded to find the series; keep it rather than decode twice.
          load: () => [v],
          provenance: [{ kind: 'user', file: `${v.source.files.length} DICOM files from ${firstFile}`, licence: 'user-provided data (licence as given by its owner)', sha256: hash.digest('hex') }],
        });
      }
    }
  }
  if (groups.length === 0) throw new MissingDataError(`a readable volume in ${root}`, `No NIfTI file or DICOM series was found${channels ? ` with all of the channels ${channels.join(', ')}` : ''}.${skipped.length ? ` Problems: ${skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ')}` : ''}`);
  return { groups, skipped };
}

/** Builds a slice dataset from a user's folder: the same format and subject-wise splits as the open one. */
export async function buildUserDataset(root: string, options: Omit<WriteDatasetOptions, 'skipped'> & UserFolderOptions): Promise<ReturnType<typeof writeDataset>> {
  if (!options.name) throw new InvalidArgumentError('buildUserDataset', 'a dataset name is needed');
  const { groups, skipped } = await discoverUserVolumes(root, options);
  return writeDataset(groups, { ...options, skipped, notes: options.notes ?? `Slices from the user folder ${root}; train/val split by subject.` });
}
