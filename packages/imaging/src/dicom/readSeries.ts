import { ImagingError, EmptyVolumeError } from '../errors.js';
import type { Image2D, Volume } from '../image.js';
import { assembleVolume } from './assembleVolume.js';
import { type DicomInstance, readDicomInstance, type ReadDicomOptions } from './readDicom.js';

/** A file given by name and content, so that series reading works alike in Node and in browsers. */
export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array | ArrayBuffer;
}

/** A file that was left out, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly error: ImagingError;
}

export interface LoadedSeries {
  readonly seriesInstanceUID: string;
  readonly volume: Volume;
}

export interface DicomFilesResult {
  /** Every series that could be assembled, largest first. */
  readonly series: readonly LoadedSeries[];
  /** Files that could not be read or did not fit their series; the rest loaded. */
  readonly skipped: readonly SkippedFile[];
  /** Series that could not be assembled as a whole (uneven spacing, duplicate positions). */
  readonly failedSeries: readonly { readonly seriesInstanceUID: string; readonly files: readonly string[]; readonly error: ImagingError }[];
}

export type ReadSeriesOptions = Omit<ReadDicomOptions, 'file'>;

function asImagingError(e: unknown, file: string): ImagingError {
  if (e instanceof ImagingError) return e;
  return new ImagingError('CORRUPT_PIXEL_DATA', `could not be read: ${e instanceof Error ? e.message : String(e)}`, file, { cause: e });
}

/**
 * Reads DICOM files (a folder's worth, in any order) into volumes, one per SeriesInstanceUID. A file that
 * is not DICOM, cannot be decoded, or does not fit its series is reported in `skipped` and the rest load.
 */
export async function readDicomFiles(files: readonly NamedBytes[], options: ReadSeriesOptions = {}): Promise<DicomFilesResult> {
  const skipped: SkippedFile[] = [];
  const bySeries = new Map<string, DicomInstance[]>();
  for (const f of files) {
    try {
      const inst = await readDicomInstance(f.bytes, { ...options, file: f.name });
      const uid = inst.seriesInstanceUID ?? `(no SeriesInstanceUID) ${f.name}`;
      const list = bySeries.get(uid) ?? [];
      list.push(inst);
      bySeries.set(uid, list);
    } catch (e) {
      skipped.push({ file: f.name, error: asImagingError(e, f.name) });
    }
  }
  const series: LoadedSeries[] = [];
  const failedSeries: DicomFilesResult['failedSeries'][number][] = [];
  for (const [uid, instances] of bySeries) {
    const slices: Image2D[] = instances.flatMap((i) => i.frames);
    const attrs = slices[0]?.source.dicomAttributes;
    try {
      const { volume, rejected } = assembleVolume(slices, { format: 'dicom', ...(attrs ? { dicomAttributes: attrs } : {}) });
      for (const r of rejected) skipped.push({ file: r.slice.source.files[0] ?? '', error: r.error });
      series.push({ seriesInstanceUID: uid, volume });
    } catch (e) {
      failedSeries.push({ seriesInstanceUID: uid, files: instances.map((i) => i.file ?? ''), error: asImagingError(e, instances[0]?.file ?? '') });
    }
  }
  series.sort((a, b) => b.volume.shape[0] - a.volume.shape[0]);
  return { series, skipped, failedSeries };
}

/**
 * Reads the files of one series into a volume. With several series among the files, `seriesInstanceUID`
 * picks one (default: the one with most slices). Throws when no image could be read at all, with the
 * first file's error; otherwise bad files are listed in `skipped`.
 */
export async function readDicomSeries(
  files: readonly NamedBytes[],
  options: ReadSeriesOptions & { readonly seriesInstanceUID?: string } = {},
): Promise<{ volume: Volume; skipped: readonly SkippedFile[]; otherSeries: readonly string[] }> {
  const res = await readDicomFiles(files, options);
  const chosen = options.seriesInstanceUID === undefined ? res.series[0] : res.series.find((s) => s.seriesInstanceUID === options.seriesInstanceUID);
  if (chosen === undefined) {
    const failed = res.failedSeries.find((f) => options.seriesInstanceUID === undefined || f.seriesInstanceUID === options.seriesInstanceUID);
    if (failed) throw failed.error;
    if (options.seriesInstanceUID === undefined && res.skipped[0]) throw res.skipped[0].error;
    throw new EmptyVolumeError(
      undefined,
      options.seriesInstanceUID === undefined ? `none of the ${files.length} file(s) held a readable DICOM image` : `no readable image of series ${options.seriesInstanceUID} among ${files.length} file(s)`,
    );
  }
  return {
    volume: chosen.volume,
    skipped: res.skipped,
    otherSeries: res.series.filter((s) => s !== chosen).map((s) => s.seriesInstanceUID),
  };
}
