import { InvalidArgumentError } from '../errors.js';
import type { DicomReference, Image2D, Volume } from '../image.js';
import { str, num } from './datasetValues.js';
import type { NaturalDataset } from './parseDicom.js';
import { percentiles } from '../intensity/percentile.js';
import { HEAT_PALETTE } from './palette.js';
import { isValidUid } from './uid.js';
import { type SopClassKind, writeDicomSeries, type WriteSeriesOptions } from './writeDicom.js';

/** Leads every derived SeriesDescription: nobody should mistake generated pixels for an acquisition. */
export const RESEARCH_LABEL = 'RESEARCH ONLY';
/** The intended-use statement of every model card and result the project writes. */
export const RESEARCH_USE = 'Research use only. Not a medical device; not for diagnosis or treatment decisions.';

export interface DerivedOptions {
  /** What was done, e.g. "Med-cDiff super-resolution x4 (DDPM, 1000 steps)". Goes into DerivationDescription. */
  readonly description: string;
  /** Short series label, e.g. "SR x4"; the SeriesDescription becomes "RESEARCH ONLY <label> <source description>". */
  readonly seriesLabel?: string;
  /** SeriesNumber of the new series; default source + 1000. */
  readonly seriesNumber?: number;
  /** 'MR' or 'CT' keep the source's class (default for MR and CT sources); 'SC' writes Secondary Capture. */
  readonly sopClass?: SopClassKind;
  /**
   * SeriesInstanceUID and one SOPInstanceUID per slice; default new random ones. Give fixed UIDs when
   * the same result may be written twice (a retried batch job), so that a PACS keeps one series.
   */
  readonly uids?: { readonly series: string; readonly instances: readonly string[] };
}

function toVolume(img: Image2D | Volume): Volume {
  if (img.shape.length === 3) return img as Volume;
  const [rows, cols] = img.shape as readonly [number, number];
  return { ...img, shape: [1, rows, cols] } as Volume;
}

/**
 * Writes the output of a model as a derived DICOM series of the source's study: same patient, study and
 * frame of reference, new series and instance UIDs, ImageType DERIVED\SECONDARY, DerivationDescription,
 * SourceImageSequence pointing at the source instance of each slice, and SeriesDescription and
 * ImageComments saying it is research-only output of a generative model. `result` carries its own
 * geometry: after super-resolution its shape and spacing differ from the source's, and Rows, Columns and
 * PixelSpacing follow the result.
 */
export function writeDerivedSeries(result: Image2D | Volume, source: Image2D | Volume, options: DerivedOptions): ReturnType<typeof writeDicomSeries> {
  const res = toVolume(result);
  return writeDicomSeries(res, derivedSeriesOptions(res, toVolume(source), options, 'writeDerivedSeries'));
}

export interface SpreadOptions extends Omit<DerivedOptions, 'sopClass'> {
  /** How many samples the spread was taken over. */
  readonly samples: number;
}

/**
 * Writes the per-pixel standard deviation over a model's samples as a derived series that any DICOM
 * viewer shows in colour: Secondary Capture with PALETTE COLOR pixels (CT and MR images must be
 * greyscale), black through red and yellow to white from no spread to the series' 99.5th percentile
 * (stated in ImageComments; higher values show white), on the source's planes and referencing its
 * instances like any derived series.
 */
export function writeSpreadSeries(spread: Image2D | Volume, source: Image2D | Volume, options: SpreadOptions): ReturnType<typeof writeDicomSeries> {
  const res = toVolume(spread);
  const [cap] = percentiles(res.data, [99.5]);
  // A spread of zero everywhere (one sample, or a model that ignores its noise) still needs a scale.
  const top = cap! > 0 ? cap! : 1e-6;
  const base = derivedSeriesOptions(res, toVolume(source), { ...options, sopClass: 'SC' }, 'writeSpreadSeries');
  return writeDicomSeries(res, {
    ...base,
    palette: { colors: HEAT_PALETTE, range: [0, top] },
    imageComments: `Spread of a generative model: the per-pixel standard deviation over ${options.samples} samples, in the source's units, shown in colour, ${HEAT_PALETTE.name}, from 0 (black) to ${formatScale(top)} or more (white). Bright regions are where the samples disagree: treat the result there with most caution. ${base.imageComments}`.slice(0, 10240),
  });
}

/** A scale limit for people: three significant digits. */
const formatScale = (x: number) => Number(x.toPrecision(3)).toString();

/** What every derived series shares: the source's patient, study and frame of reference, references to its instances, and research-use labels. */
function derivedSeriesOptions(res: Volume, src: Volume, options: DerivedOptions, caller: string): WriteSeriesOptions & { imageComments: string } {
  const refs = src.source.dicom ?? [];
  if (refs.length === 0) throw new InvalidArgumentError(caller, 'the source image has no DICOM references (source.dicom); read it with readDicom or readDicomSeries');
  const depth = res.shape[0];
  let sources: DicomReference[][];
  if (refs.length === depth) sources = refs.map((r) => [r]);
  else if (depth === 1) sources = [refs.slice()];
  else throw new InvalidArgumentError(caller, `result has ${depth} slices but source has ${refs.length} references; give matching slices`);
  if (options.uids) {
    const { series, instances } = options.uids;
    if (instances.length !== depth) throw new InvalidArgumentError(caller, `uids.instances has ${instances.length} UIDs for ${depth} slices; give one per slice`);
    const bad = [series, ...instances].find((u) => !isValidUid(u));
    if (bad !== undefined) throw new InvalidArgumentError(caller, `'${bad.slice(0, 80)}' is not a DICOM UID (digits and dots, at most 64 characters)`);
  }
  const attrs = (src.source.dicomAttributes ?? {}) as NaturalDataset;
  const srcModality = str(attrs, 'Modality') ?? src.modality ?? 'OT';
  const sopClass = options.sopClass ?? (srcModality === 'MR' ? 'MR' : srcModality === 'CT' ? 'CT' : 'SC');
  const srcDesc = str(attrs, 'SeriesDescription') ?? '';
  const label = `${RESEARCH_LABEL} ${options.seriesLabel ?? 'generated'}${srcDesc ? ` of ${srcDesc}` : ''}`.slice(0, 64);
  const sex = str(attrs, 'PatientSex');
  return {
    sopClass,
    modality: srcModality,
    patient: {
      name: str(attrs, 'PatientName') ?? 'Anonymous',
      id: str(attrs, 'PatientID') ?? 'ANON',
      birthDate: str(attrs, 'PatientBirthDate') ?? '',
      ...(sex === 'M' || sex === 'F' || sex === 'O' ? { sex } : {}),
    },
    study: {
      ...(str(attrs, 'StudyInstanceUID') ? { instanceUID: str(attrs, 'StudyInstanceUID')! } : {}),
      ...(str(attrs, 'StudyDate') ? { date: str(attrs, 'StudyDate')! } : {}),
      ...(str(attrs, 'StudyTime') ? { time: str(attrs, 'StudyTime')! } : {}),
      ...(str(attrs, 'StudyID') ? { id: str(attrs, 'StudyID')! } : {}),
      ...(str(attrs, 'AccessionNumber') ? { accessionNumber: str(attrs, 'AccessionNumber')! } : {}),
      ...(str(attrs, 'StudyDescription') ? { description: str(attrs, 'StudyDescription')! } : {}),
    },
    ...(options.uids ? { sopInstanceUIDs: options.uids.instances } : {}),
    series: { ...(options.uids ? { instanceUID: options.uids.series } : {}), number: options.seriesNumber ?? (num(attrs, 'SeriesNumber') ?? 0) + 1000, description: label, ...(str(attrs, 'Laterality') ? { laterality: str(attrs, 'Laterality')! } : {}) },
    ...(src.frameOfReferenceUID ? { frameOfReferenceUID: src.frameOfReferenceUID } : {}),
    derivation: { description: options.description, sources },
    imageComments: `Research use only, not for diagnosis. Generated by a generative model (${options.description}) from series ${str(attrs, 'SeriesInstanceUID') ?? 'unknown'}; pixels are synthetic and may show structures that are not there.`.slice(0, 10240),
  };
}
