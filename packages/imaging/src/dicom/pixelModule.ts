import { ColourImageError, MissingPixelDataError, UnsupportedPixelFormatError } from '../errors.js';
import { num, str } from './datasetValues.js';
import type { NaturalDataset } from './parseDicom.js';

/** The Image Pixel module attributes needed to turn bytes into values. */
export interface PixelModule {
  readonly rows: number;
  readonly cols: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  readonly pixelRepresentation: 0 | 1;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
}

const GREY = new Set(['MONOCHROME1', 'MONOCHROME2']);

/**
 * Reads and checks the pixel module. Throws MissingPixelDataError when there is no image, ColourImageError
 * for colour images (the models need grey), UnsupportedPixelFormatError for layouts we cannot read.
 */
export function readPixelModule(ds: NaturalDataset, file?: string): PixelModule {
  if (ds['PixelData'] === undefined) {
    if (ds['FloatPixelData'] !== undefined || ds['DoubleFloatPixelData'] !== undefined) {
      throw new UnsupportedPixelFormatError(file, 'float pixel data (FloatPixelData / DoubleFloatPixelData) is not read');
    }
    throw new MissingPixelDataError(file);
  }
  const rows = num(ds, 'Rows');
  const cols = num(ds, 'Columns');
  if (rows === undefined || cols === undefined || rows <= 0 || cols <= 0) throw new MissingPixelDataError(file, 'Rows or Columns is missing or zero');
  const samplesPerPixel = num(ds, 'SamplesPerPixel') ?? 1;
  const photometricInterpretation = str(ds, 'PhotometricInterpretation') ?? (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB');
  if (samplesPerPixel !== 1 || !GREY.has(photometricInterpretation)) {
    throw new ColourImageError(file, photometricInterpretation, samplesPerPixel);
  }
  const bitsAllocated = num(ds, 'BitsAllocated');
  if (bitsAllocated === undefined || ![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new UnsupportedPixelFormatError(file, `BitsAllocated ${bitsAllocated ?? 'missing'} (1, 8, 16 or 32 are read)`);
  }
  const bitsStored = num(ds, 'BitsStored') ?? bitsAllocated;
  const highBit = num(ds, 'HighBit') ?? bitsStored - 1;
  if (bitsStored > bitsAllocated || bitsStored < 1 || highBit >= bitsAllocated || highBit + 1 < bitsStored) {
    throw new UnsupportedPixelFormatError(file, `BitsStored ${bitsStored} / HighBit ${highBit} do not fit BitsAllocated ${bitsAllocated}`);
  }
  const pr = num(ds, 'PixelRepresentation') ?? 0;
  const numberOfFrames = Math.max(1, Math.round(num(ds, 'NumberOfFrames') ?? 1));
  return {
    rows,
    cols,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pr === 1 ? 1 : 0,
    samplesPerPixel,
    photometricInterpretation,
    numberOfFrames,
  };
}
