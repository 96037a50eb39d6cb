import dcmjs from 'dcmjs';
import { InvalidArgumentError } from '../errors.js';
import { assertFinite, cross, type DicomReference, directionAxis, dot, indexToWorld, type Volume } from '../image.js';
import { chooseInt16Rescale, encodeInt16, formatDS } from './int16Encoding.js';
import { type ColorPalette, PALETTE_ENTRIES, paletteIndices } from './palette.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from './transferSyntax.js';
import { newUid } from './uid.js';

export const SOP_CLASSES = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  SC: '1.2.840.10008.5.1.4.1.1.7',
} as const;
export type SopClassKind = keyof typeof SOP_CLASSES;

export interface PatientInfo {
  readonly name?: string;
  readonly id?: string;
  readonly birthDate?: string;
  readonly sex?: 'M' | 'F' | 'O' | '';
  readonly age?: string;
}

export interface StudyInfo {
  readonly instanceUID?: string;
  readonly date?: string;
  readonly time?: string;
  readonly id?: string;
  readonly accessionNumber?: string;
  readonly description?: string;
}

export interface SeriesInfo {
  readonly instanceUID?: string;
  readonly number?: number;
  readonly description?: string;
  readonly date?: string;
  readonly time?: string;
  readonly bodyPartExamined?: string;
  /** e.g. HFS; empty when unknown. */
  readonly patientPosition?: string;
  /** R or L for a paired body part; empty when unknown or unpaired. */
  readonly laterality?: string;
}

/** What makes an instance derived: PS3.3 C.7.6.1.1.3 and the General Image module's source references. */
export interface Derivation {
  /** DerivationDescription: what was done, in words. */
  readonly description: string;
  /** One entry per written slice (or a single entry used for all): the source instance(s) of that slice. */
  readonly sources: readonly (readonly DicomReference[])[];
}

export interface WriteSeriesOptions {
  readonly sopClass: SopClassKind;
  /** DICOM Modality; defaults to the volume's modality, or 'OT'. */
  readonly modality?: string;
  readonly patient?: PatientInfo;
  readonly study?: StudyInfo;
  readonly series?: SeriesInfo;
  /** Defaults to the volume's FrameOfReferenceUID, else a new one. */
  readonly frameOfReferenceUID?: string;
  /**
   * ImageType; default ORIGINAL\PRIMARY, or DERIVED\SECONDARY when `derivation` is given, plus the third
   * value the IOD requires (AXIAL for CT, OTHER for MR).
   */
  readonly imageType?: readonly string[];
  readonly derivation?: Derivation;
  readonly imageComments?: string;
  /** Default window: centre and width in modality units; by default from the 1st and 99th percentiles. */
  readonly window?: { readonly center: number; readonly width: number };
  /** Extra naturalised attributes to set on every instance (they win over the computed ones). */
  readonly extraAttributes?: Readonly<Record<string, unknown>>;
  readonly manufacturer?: string;
  /** SOPInstanceUIDs to use, one per slice (for reproducible output); default new ones. */
  readonly sopInstanceUIDs?: readonly string[];
  /** Creation time to record; default now. */
  readonly now?: Date;
  /**
   * Store each value as the index of a colour (PALETTE COLOR, 8 bits), `range` mapped linearly onto
   * the palette; Secondary Capture only, since CT and MR images are greyscale. Default: greyscale.
   */
  readonly palette?: { readonly colors: ColorPalette; readonly range: readonly [number, number] };
}

function dicomDate(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}
function dicomTime(d: Date): string {
  return `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
}

function percentileWindow(data: Float32Array): { center: number; width: number } {
  const step = Math.max(1, Math.floor(data.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) sample.push(data[i]!);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.01 * (sample.length - 1))]!;
  const hi = sample[Math.ceil(0.99 * (sample.length - 1))]!;
  return { center: (lo + hi) / 2, width: Math.max(hi - lo, 1e-3) };
}

/** Part-10 bytes of one naturalised dataset, explicit VR little endian. */
export function writePart10(dataset: Record<string, unknown>): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset['SOPClassUID'],
    MediaStorageSOPInstanceUID: dataset['SOPInstanceUID'],
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: '2.25.183508614432190876125476389413373496133',
    ImplementationVersionName: 'MEDDIFF_IMG_01',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/**
 * Writes a volume as a DICOM series, one single-frame instance per slice (k), explicit VR little endian,
 * signed 16-bit pixels with RescaleSlope/RescaleIntercept chosen over the whole volume to keep its range
 * (exact for integer data such as HU). Geometry: ImagePositionPatient per slice, ImageOrientationPatient,
 * PixelSpacing, SliceThickness, SpacingBetweenSlices, FrameOfReferenceUID. Returns the files' bytes in
 * slice order and the UIDs used.
 */
export function writeDicomSeries(volume: Volume, options: WriteSeriesOptions): { files: Uint8Array[]; studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUIDs: string[] } {
  const [depth, rows, cols] = volume.shape;
  if (volume.data.length !== depth * rows * cols) throw new InvalidArgumentError('writeDicomSeries', `data has ${volume.data.length} values for shape ${volume.shape.join('x')}`);
  if (rows > 65535 || cols > 65535) throw new InvalidArgumentError('writeDicomSeries', `${rows}x${cols} is larger than DICOM allows`);
  assertFinite(volume.data);
  if (options.derivation && options.derivation.sources.length !== 1 && options.derivation.sources.length !== depth) {
    throw new InvalidArgumentError('writeDicomSeries', `derivation.sources has ${options.derivation.sources.length} entries; give 1 or one per slice (${depth})`);
  }
  if (options.palette && options.sopClass !== 'SC') throw new InvalidArgumentError('writeDicomSeries', `a palette colour image must be Secondary Capture ('SC'), not '${options.sopClass}': CT and MR images are greyscale`);
  const now = options.now ?? new Date();
  if (options.sopInstanceUIDs && options.sopInstanceUIDs.length !== depth) throw new InvalidArgumentError('writeDicomSeries', `sopInstanceUIDs has ${options.sopInstanceUIDs.length} entries for ${depth} slices`);
  const studyUID = options.study?.instanceUID ?? newUid();
  const seriesUID = options.series?.instanceUID ?? newUid();
  const forUID = options.frameOfReferenceUID ?? volume.frameOfReferenceUID ?? newUid();
  const palette = options.palette;
  const pixelModule = palette ? (slice: Float32Array) => palettePixels(slice, palette) : greyscalePixels(volume.data, options.window);
  const g = volume.geometry;
  const rowDir = directionAxis(g.direction, 0);
  const colDir = directionAxis(g.direction, 1);
  const normal = cross(rowDir, colDir);
  const n = rows * cols;
  const modality = options.modality ?? volume.modality ?? 'OT';
  const derived = options.derivation !== undefined;
  const imageType = options.imageType ?? [derived ? 'DERIVED' : 'ORIGINAL', derived ? 'SECONDARY' : 'PRIMARY', ...(options.sopClass === 'CT' ? ['AXIAL'] : options.sopClass === 'MR' ? ['OTHER'] : [])];
  const files: Uint8Array[] = [];
  const sopUIDs: string[] = [];
  for (let k = 0; k < depth; k++) {
    const sopUID = options.sopInstanceUIDs?.[k] ?? newUid();
    sopUIDs.push(sopUID);
    const ipp = indexToWorld(g, 0, 0, k);
    const slice = volume.data.subarray(k * n, (k + 1) * n);
    const ds: Record<string, unknown> = {
      SpecificCharacterSet: 'ISO_IR 192',
      ImageType: [...imageType],
      InstanceCreationDate: dicomDate(now),
      InstanceCreationTime: dicomTime(now),
      SOPClassUID: SOP_CLASSES[options.sopClass],
      SOPInstanceUID: sopUID,
      StudyDate: options.study?.date ?? dicomDate(now),
      SeriesDate: options.series?.date ?? dicomDate(now),
      ContentDate: dicomDate(now),
      StudyTime: options.study?.time ?? dicomTime(now),
      SeriesTime: options.series?.time ?? dicomTime(now),
      ContentTime: dicomTime(now),
      AccessionNumber: options.study?.accessionNumber ?? '',
      Modality: modality,
      Manufacturer: options.manufacturer ?? 'meddiff',
      ReferringPhysicianName: '',
      StudyDescription: options.study?.description ?? '',
      SeriesDescription: options.series?.description ?? '',
      PatientName: options.patient?.name ?? 'Anonymous',
      PatientID: options.patient?.id ?? 'ANON',
      PatientBirthDate: options.patient?.birthDate ?? '',
      PatientSex: options.patient?.sex ?? '',
      ...(options.patient?.age ? { PatientAge: options.patient.age } : {}),
      ...(options.series?.bodyPartExamined ? { BodyPartExamined: options.series.bodyPartExamined } : {}),
      // Type 2C for CT and MR: present, empty when unknown.
      ...(options.sopClass !== 'SC' ? { PatientPosition: options.series?.patientPosition ?? '' } : {}),
      // Type 2C (General Series): present, empty when unknown.
      Laterality: options.series?.laterality ?? '',
      SliceThickness: formatDS(g.spacing[2]),
      ...(depth > 1 ? { SpacingBetweenSlices: formatDS(g.spacing[2]) } : {}),
      StudyInstanceUID: studyUID,
      SeriesInstanceUID: seriesUID,
      StudyID: options.study?.id ?? '1',
      SeriesNumber: options.series?.number ?? 1,
      InstanceNumber: k + 1,
      ImagePositionPatient: ipp.map(formatDS),
      ImageOrientationPatient: [...rowDir, ...colDir].map((x) => formatDS(x)),
      FrameOfReferenceUID: forUID,
      PositionReferenceIndicator: '',
      SliceLocation: formatDS(dot(ipp, normal)),
      Rows: rows,
      Columns: cols,
      // PixelSpacing lists the spacing between rows first, then between columns.
      PixelSpacing: [formatDS(g.spacing[1]), formatDS(g.spacing[0])],
      ...pixelModule(slice),
      ...(options.sopClass === 'CT' ? { RescaleType: 'HU', KVP: '', AcquisitionNumber: 1 } : {}),
      ...(options.sopClass === 'MR'
        ? { ScanningSequence: 'RM', SequenceVariant: 'NONE', ScanOptions: '', MRAcquisitionType: '', RepetitionTime: '', EchoTime: '', EchoTrainLength: '', AcquisitionNumber: 1 }
        : {}),
      // Secondary Capture has no Image Plane module: its orientation is said by PatientOrientation
      // (Type 2C), and its Modality LUT needs RescaleType (Type 1C): US, unspecified.
      ...(options.sopClass === 'SC' ? { ConversionType: 'WSD', PatientOrientation: patientOrientation(rowDir, colDir), ...(options.palette ? {} : { RescaleType: 'US' }) } : {}),
      BurnedInAnnotation: 'NO',
      ...(options.imageComments ? { ImageComments: options.imageComments } : {}),
    };
    if (options.derivation) {
      const refs = options.derivation.sources.length === 1 ? options.derivation.sources[0]! : options.derivation.sources[k]!;
      ds['DerivationDescription'] = options.derivation.description.slice(0, 1024);
      ds['SourceImageSequence'] = refs.map((r) => ({
        ReferencedSOPClassUID: r.sopClassUID,
        ReferencedSOPInstanceUID: r.sopInstanceUID,
        ...(r.frameNumber === undefined ? {} : { ReferencedFrameNumber: r.frameNumber }),
      }));
    }
    Object.assign(ds, options.extraAttributes ?? {});
    files.push(writePart10(ds));
  }
  return { files, studyInstanceUID: studyUID, seriesInstanceUID: seriesUID, sopInstanceUIDs: sopUIDs };
}

/**
 * The Image Pixel module of each greyscale slice of `data`: signed 16 bits with one rescale to the
 * data's units and one window for the whole series.
 */
function greyscalePixels(data: Float32Array, window: WriteSeriesOptions['window']): (slice: Float32Array) => Record<string, unknown> {
  const rescale = chooseInt16Rescale(data);
  const win = window ?? percentileWindow(data);
  return (slice) => ({
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    WindowCenter: formatDS(win.center),
    WindowWidth: formatDS(win.width),
    // A width under 1 (a standard-deviation map in small units) is valid only for LINEAR_EXACT.
    ...(win.width < 1 ? { VOILUTFunction: 'LINEAR_EXACT' } : {}),
    RescaleIntercept: formatDS(rescale.intercept),
    RescaleSlope: formatDS(rescale.slope),
    PixelData: [encodeInt16(slice, rescale).buffer],
    _vrMap: { PixelData: 'OW' },
  });
}

/** The Image Pixel module of a palette colour slice: one byte per pixel, the index of its colour. */
function palettePixels(slice: Float32Array, palette: NonNullable<WriteSeriesOptions['palette']>): Record<string, unknown> {
  const indices = paletteIndices(slice, palette.range);
  // Pixel data has even length: a slice of odd size gets one padding byte.
  const bytes = new Uint8Array(indices.length + (indices.length % 2));
  bytes.set(indices);
  // Entries, first stored value mapped, bits per entry (PS3.3 C.7.6.3.1.5).
  const descriptor = [PALETTE_ENTRIES, 0, 16];
  const lut = (channel: Uint16Array) => [channel.slice().buffer];
  return {
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'PALETTE COLOR',
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    RedPaletteColorLookupTableDescriptor: descriptor,
    GreenPaletteColorLookupTableDescriptor: descriptor,
    BluePaletteColorLookupTableDescriptor: descriptor,
    RedPaletteColorLookupTableData: lut(palette.colors.red),
    GreenPaletteColorLookupTableData: lut(palette.colors.green),
    BluePaletteColorLookupTableData: lut(palette.colors.blue),
    PixelData: [bytes.buffer],
    _vrMap: {
      PixelData: 'OB',
      RedPaletteColorLookupTableDescriptor: 'US',
      GreenPaletteColorLookupTableDescriptor: 'US',
      BluePaletteColorLookupTableDescriptor: 'US',
    },
  };
}

/**
 * PatientOrientation (PS3.3 C.7.6.1.1.1) from the row and column directions: for each, the patient
 * directions it points along (L, P, H for +x, +y, +z in LPS; R, A, F for the opposite), largest
 * component first, leaving out components under a quarter.
 */
export function patientOrientation(rowDir: readonly number[], colDir: readonly number[]): [string, string] {
  const letters = (v: readonly number[]) =>
    [0, 1, 2]
      .filter((i) => Math.abs(v[i]!) >= 0.25)
      .sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!))
      .map((i) => (v[i]! > 0 ? 'LPH' : 'RAF')[i]!)
      .join('');
  return [letters(rowDir), letters(colDir)];
}
