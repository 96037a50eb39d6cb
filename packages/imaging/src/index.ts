// @meddiff/imaging: medical image plumbing that runs in browsers and Node (no node: imports here;
// file system and Debian helpers are in '@meddiff/imaging/node').
export * from './errors.js';
export * from './image.js';
export { sliceProblem, type SliceInput } from './sliceInput.js';

export { parseDicom, type ParsedDicom, type NaturalDataset } from './dicom/parseDicom.js';
export { readDicom, readDicomInstance, type ReadDicomOptions, type DicomInstance } from './dicom/readDicom.js';
export { readDicomFiles, readDicomSeries, type NamedBytes, type SkippedFile, type LoadedSeries, type DicomFilesResult, type ReadSeriesOptions } from './dicom/readSeries.js';
export { assembleVolume, type RejectedSlice } from './dicom/assembleVolume.js';
export { defaultDecoders, type FrameDecoder, type FrameInfo, type DecoderMap } from './dicom/decoders.js';
export { transferSyntaxInfo, type TransferSyntaxInfo, type PixelEncoding } from './dicom/transferSyntax.js';
export { writeDicomSeries, writePart10, SOP_CLASSES, type SopClassKind, type WriteSeriesOptions, type PatientInfo, type StudyInfo, type SeriesInfo, type Derivation } from './dicom/writeDicom.js';
export { writeDerivedSeries, writeSpreadSeries, RESEARCH_LABEL, RESEARCH_USE, type DerivedOptions, type SpreadOptions } from './dicom/writeDerived.js';
export { HEAT_PALETTE, type ColorPalette } from './dicom/palette.js';
export { newUid, isValidUid } from './dicom/uid.js';

export { readNifti, type ReadNiftiOptions, type NiftiInfo } from './nifti/readNifti.js';
export { DEFAULT_READER_LIMITS, type ReaderLimits } from './readerLimits.js';
export { writeNifti, type WriteNiftiOptions } from './nifti/writeNifti.js';
export { affineToGeometry, geometryToAffine, type Affine } from './nifti/affine.js';
export { readNpy, readNpz, numpyDtype, type NpyArray } from './npy/readNpy.js';
export { readPng, type ReadPngOptions } from './png/readPng.js';
export { montagePng, type Panel } from './preview/montage.js';
export { readMetaImage, parseMetaImageHeader, type ReadMetaImageOptions, type MetaImageHeader } from './metaimage/readMetaImage.js';
export { readRaw, type RawImageSpec } from './raw/readRaw.js';

export { percentiles } from './intensity/percentile.js';
export { normalize, computeNormalization, applyNormalization, denormalize, DEFAULT_NORMALIZE_OPTIONS, type NormalizationStats, type NormalizeOptions } from './intensity/normalize.js';
export { CT_WINDOWS, ctWindow, windowStats, type CtWindow, type CtWindowName } from './intensity/ctWindows.js';

export { resize2d, resizeImage, RESAMPLE_METHODS, type ResampleMethod } from './geometry/resample.js';
export { padTo, padToMultiple, cropPadding, type Padding, type PadOptions } from './geometry/pad.js';
export { planTiles, splitTiles, blendTiles, type TileLayout } from './geometry/tiles.js';
export { reorientLike, reorientToLPS } from './geometry/reorient.js';

export { volumeToSlices, squareSlice, chooseSlices, splitSubjects, seededRandom, DEFAULT_SLICE_OPTIONS, type SliceOptions } from './dataset/slices.js';
export { datasetInputSpecification } from './dataset/inputSpecification.js';
export { DATASET_FORMAT, DATASET_VERSION, SPLIT_NAMES, type DatasetManifest, type DatasetVolume, type DatasetSplit, type DatasetSplitName, type Provenance } from './dataset/manifest.js';
export { OPEN_SOURCES, DEBIAN_PACKAGES, PYDICOM_TEST_FILES, type OpenSource, type OpenSourceFormat, type DebianPackage } from './dataset/openSources.js';
export { SLICE_PLANES, planeSlice, planeSliceCount, planeOfNormal, assertSlicePlane, type SlicePlane, type PlaneSlice } from './dataset/orientations.js';
export { fitSquare, planSquareFit, type SquareFit } from './dataset/fitSquare.js';
export { volumeToPlaneSlices, DEFAULT_PLANE_SLICE_OPTIONS, type PlaneSliceOptions, type PlaneSlices } from './dataset/planeSlices.js';
export { assignSplits, splitCoverage, type SplitPlan, type SplitSubject } from './dataset/splitPlan.js';
export { CORPUS_SPLIT_PLAN, corpusDatasetName, corpusSources } from './dataset/corpus.js';
export { readInv3 } from './dataset/readInv3.js';
