export * from './errors.js';
export * from './image.js';
export { parseDicom, type ParsedDicom, type NaturalDataset } from './dicom/parseDicom.js';
export { readDicom, readDicomInstance, type ReadDicomOptions, type DicomInstance } from './dicom/readDicom.js';
export { readDicomFiles, readDicomSeries, type NamedBytes, type SkippedFile, type LoadedSeries, type DicomFilesResult, type ReadSeriesOptions } from './dicom/readSeries.js';
export { defaultDecoders, type FrameDecoder, type FrameInfo, type DecoderMap } from './dicom/decoders.js';
export { transferSyntaxInfo, type TransferSyntaxInfo, type PixelEncoding } from './dicom/transferSyntax.js';
export { decodeRleFrame } from './dicom/rle.js';
