// @meddiff/imaging: medical image plumbing that runs in browsers and Node (no node: imports here;
// file system and Debian helpers are in '@meddiff/imaging/node').
export * from './errors.js';
export * from './image.js';

export { parseDicom, type ParsedDicom, type NaturalDataset } from './dicom/parseDicom.js';
export { readDicom, readDicomInstance, type ReadDicomOptions, type DicomInstance } from './dicom/readDicom.js';
export { readDicomFiles, readDicomSeries, type NamedBytes, type SkippedFile, type LoadedSeries, type DicomFilesResult, type ReadSeriesOptions } from './dicom/readSeries.js';
export { assembleVolume, type RejectedSlice } from './dicom/assembleVolume.js';
export { defaultDecoders, type FrameDecoder, type FrameInfo, type DecoderMap } from './dicom/decoders.js';
export { transferSyntaxInfo, type TransferSyntaxInfo, type PixelEncoding } from './dicom/transferSyntax.js';
export { writeDicomSeries, writePart10, SOP_CLASSES, type SopClassKind, type WriteSeriesOptions, type PatientInfo, type StudyInfo, type SeriesInfo, type Derivation } from './dicom/writeDicom.js';
export { writeDerivedSeries, RESEARCH_LABEL, type DerivedOptions } from './dicom/writeDerived.js';
export { newUid, isValidUid } from './dicom/uid.js';

export { readNifti, type ReadNiftiOptions, type NiftiInfo } from './nifti/readNifti.js';
export { DEFAULT_READER_LIMITS, type ReaderLimits } from './readerLimits.js';
export { writeNifti, type WriteNiftiOptions } from './nifti/writeNifti.js';
export { affineToGeometry, geometryToAffine, type Affine } from './nifti/affine.js';
export { readNpy, readNpz, type NpyArray } from './npy/readNpy.js';

export { percentiles } from './intensity/percentile.js';
export { normalize, computeNormalization, applyNormalization, denormalize, DEFAULT_NORMALIZE_OPTIONS, type NormalizationStats, type NormalizeOptions } from './intensity/normalize.js';
export { CT_WINDOWS, ctWindow, windowStats, type CtWindow, type CtWindowName } from './intensity/ctWindows.js';

export { resize2d, resizeImage, RESAMPLE_METHODS, type ResampleMethod } from './geometry/resample.js';
export { padTo, padToMultiple, cropPadding, type Padding, type PadOptions } from './geometry/pad.js';
export { planTiles, splitTiles, blendTiles, type TileLayout } from './geometry/tiles.js';
export { reorientToLPS } from './geometry/reorient.js';

export { volumeToSlices, squareSlice, chooseSlices, splitSubjects, seededRandom, DEFAULT_SLICE_OPTIONS, type SliceOptions } from './dataset/slices.js';
export { DATASET_FORMAT, DATASET_VERSION, type DatasetManifest, type DatasetVolume, type DatasetSplit, type Provenance } from './dataset/manifest.js';
export { OPEN_SOURCES, DEBIAN_PACKAGES, PYDICOM_TEST_FILES, type OpenSource, type DebianPackage } from './dataset/openSources.js';
export { readInv3 } from './dataset/readInv3.js';
