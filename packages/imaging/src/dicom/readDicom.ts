import { assertFinite, type DicomReference, type Image2D, type Volume } from '../image.js';
import { assembleVolume } from './assembleVolume.js';
import { MissingPixelDataError, ResourceLimitError } from '../errors.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from '../readerLimits.js';
import { num, str } from './datasetValues.js';
import { type DecoderMap, defaultDecoders } from './decoders.js';
import { frameGeometry } from './dicomGeometry.js';
import { frameBytes } from './frames.js';
import { applyRescale, frameRescale } from './modalityLut.js';
import { type NaturalDataset, parseDicom } from './parseDicom.js';
import { readPixelModule } from './pixelModule.js';
import { storedValues } from './storedValues.js';

export interface ReadDicomOptions {
  /** File name for messages and provenance. */
  readonly file?: string;
  /** Decoders to add or replace, by pixel encoding; merged over `defaultDecoders`. */
  readonly decoders?: DecoderMap;
  /** Caps on the size the header may claim (maxDimension, maxVoxels); see DEFAULT_READER_LIMITS. */
  readonly limits?: Partial<ReaderLimits>;
}

/** Attributes kept with an image so a derived series can join the same patient, study and frame of reference. */
const KEPT_ATTRIBUTES = [
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'PatientAge', 'PatientWeight',
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'ReferringPhysicianName', 'StudyDescription',
  'SeriesInstanceUID', 'SeriesNumber', 'SeriesDescription', 'SeriesDate', 'SeriesTime', 'Modality', 'BodyPartExamined', 'PatientPosition',
  'FrameOfReferenceUID', 'PositionReferenceIndicator', 'Manufacturer', 'SOPClassUID', 'PhotometricInterpretation',
  'WindowCenter', 'WindowWidth', 'SliceThickness', 'ImageType', 'SpecificCharacterSet',
] as const;

export function keptAttributes(ds: NaturalDataset): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEPT_ATTRIBUTES) if (ds[k] !== undefined && ds[k] !== null && ds[k] !== '') out[k] = ds[k];
  return out;
}

/** One instance read into frames, with the header fields needed to assemble a series. */
export interface DicomInstance {
  readonly file: string | undefined;
  readonly dataset: NaturalDataset;
  readonly seriesInstanceUID: string | undefined;
  readonly instanceNumber: number | undefined;
  readonly frames: readonly Image2D[];
}

/** Parses, decodes and rescales every frame of one DICOM instance. */
export async function readDicomInstance(bytes: Uint8Array | ArrayBuffer, options: ReadDicomOptions = {}): Promise<DicomInstance> {
  const file = options.file;
  const { dataset: ds, transferSyntaxUID } = parseDicom(bytes, file);
  const pm = readPixelModule(ds, file);
  checkClaimedSize(pm, { ...DEFAULT_READER_LIMITS, ...options.limits }, file);
  const decoders: DecoderMap = { ...defaultDecoders, ...options.decoders };
  const raw = await frameBytes(ds, pm, transferSyntaxUID, decoders, file);
  const sopClassUID = str(ds, 'SOPClassUID') ?? '';
  const sopInstanceUID = str(ds, 'SOPInstanceUID') ?? '';
  const frameOfReferenceUID = str(ds, 'FrameOfReferenceUID');
  const modality = str(ds, 'Modality');
  const attrs = keptAttributes(ds);
  // PixelData is not kept: the values live in `data`, already rescaled.
  delete (ds as Record<string, unknown>)['PixelData'];
  const frames = raw.map((bytesK, k): Image2D => {
    const stored = storedValues(bytesK, pm, file);
    const data = new Float32Array(pm.rows * pm.cols);
    applyRescale(stored, frameRescale(ds, k, file), data);
    assertFinite(data, file);
    const ref: DicomReference = pm.numberOfFrames > 1 ? { sopClassUID, sopInstanceUID, frameNumber: k + 1 } : { sopClassUID, sopInstanceUID };
    return {
      data,
      shape: [pm.rows, pm.cols],
      geometry: frameGeometry(ds, k, file),
      ...(frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID }),
      ...(modality === undefined ? {} : { modality }),
      source: { format: 'dicom', files: file === undefined ? [] : [file], dicom: [ref], dicomAttributes: attrs },
    };
  });
  if (frames.length === 0) throw new MissingPixelDataError(file, 'it has no frames');
  return { file, dataset: ds, seriesInstanceUID: str(ds, 'SeriesInstanceUID'), instanceNumber: num(ds, 'InstanceNumber'), frames };
}

/**
 * Reads one DICOM instance as a volume in modality units: depth 1 for a single-frame image, one slice
 * per frame for multi-frame objects (positions from the functional groups or GridFrameOffsetVector).
 * Use `volumeSlice(volume, 0)` for a 2-D image.
 */
export async function readDicom(bytes: Uint8Array | ArrayBuffer, options: ReadDicomOptions = {}): Promise<Volume> {
  const inst = await readDicomInstance(bytes, options);
  const attrs = inst.frames[0]!.source.dicomAttributes;
  const { volume, rejected } = assembleVolume(inst.frames, { format: 'dicom', ...(attrs ? { dicomAttributes: attrs } : {}) });
  if (rejected[0] !== undefined) throw rejected[0].error;
  return volume;
}

/**
 * Rows x Columns x NumberOfFrames against the limits, before any frame is decoded: a compressed
 * frame's decoder allocates what the header claims, whatever the file's size.
 */
function checkClaimedSize(pm: { rows: number; cols: number; numberOfFrames: number }, limits: ReaderLimits, file: string | undefined): void {
  for (const [name, size] of [['Rows', pm.rows], ['Columns', pm.cols]] as const) {
    if (size > limits.maxDimension) throw new ResourceLimitError(file, `${name} in the header`, 'maxDimension', size, limits.maxDimension);
  }
  const n = pm.rows * pm.cols * pm.numberOfFrames;
  if (n > limits.maxVoxels) throw new ResourceLimitError(file, `the pixel count in the header (${pm.rows} x ${pm.cols} x ${pm.numberOfFrames} frames)`, 'maxVoxels', n, limits.maxVoxels);
}
