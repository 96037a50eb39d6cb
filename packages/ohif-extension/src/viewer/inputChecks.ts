import { ColourImageError } from '../errors.js';

/** SOP class UID prefixes of objects that are not images (PS3.4 Annex B). */
const NON_IMAGE_SOP_PREFIXES: readonly [string, string][] = [
  ['1.2.840.10008.5.1.4.1.1.88.59', 'a key object selection (KO)'],
  ['1.2.840.10008.5.1.4.1.1.88.', 'a structured report (SR)'],
  ['1.2.840.10008.5.1.4.1.1.66.4', 'a segmentation (SEG)'],
  ['1.2.840.10008.5.1.4.1.1.66', 'a registration, fiducials or segmentation object'],
  ['1.2.840.10008.5.1.4.1.1.104.1', 'an encapsulated PDF document'],
  ['1.2.840.10008.5.1.4.1.1.104', 'an encapsulated document'],
  ['1.2.840.10008.5.1.4.1.1.481.3', 'an RT structure set (RTSTRUCT)'],
  ['1.2.840.10008.5.1.4.1.1.481.5', 'an RT plan'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'a presentation state (PR)'],
  ['1.2.840.10008.5.1.4.1.1.9.', 'a waveform (ECG or audio)'],
];

/** Modalities that hold no image, for series whose SOP class is not known yet. */
const NON_IMAGE_MODALITIES: Readonly<Record<string, string>> = {
  SR: 'a structured report (SR)',
  KO: 'a key object selection (KO)',
  SEG: 'a segmentation (SEG)',
  DOC: 'a document',
  PR: 'a presentation state (PR)',
  RTSTRUCT: 'an RT structure set (RTSTRUCT)',
  RTPLAN: 'an RT plan',
  RTRECORD: 'an RT treatment record',
  REG: 'a registration',
  FID: 'a fiducials object',
  ECG: 'a waveform (ECG)',
  AU: 'an audio recording',
};

/** What a series is when it is not an image ("an encapsulated PDF document"), or undefined for images. */
export function describeNonImage(series: { sopClassUID?: string | undefined; modality?: string | undefined }): string | undefined {
  const uid = series.sopClassUID?.trim();
  if (uid) {
    const hit = NON_IMAGE_SOP_PREFIXES.find(([p]) => (p.endsWith('.') ? uid.startsWith(p) : uid === p || uid.startsWith(`${p}.`)));
    if (hit) return hit[1];
  }
  const modality = series.modality?.trim().toUpperCase();
  return modality ? NON_IMAGE_MODALITIES[modality] : undefined;
}

/** Throws ColourImageError unless the image is single-sample greyscale. */
export function checkGreyscale(image: { photometricInterpretation?: string | undefined; samplesPerPixel?: number | undefined; color?: boolean | undefined }): void {
  const pi = image.photometricInterpretation?.trim().toUpperCase();
  const grey = pi === undefined || pi === '' || pi === 'MONOCHROME1' || pi === 'MONOCHROME2';
  if (!grey || (image.samplesPerPixel ?? 1) !== 1 || image.color === true) throw new ColourImageError(pi || `${image.samplesPerPixel ?? '?'} samples per pixel`);
}
