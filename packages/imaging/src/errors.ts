/**
 * Typed errors for everything a user can cause. Each names the file (when there is one), says what was
 * wrong and what to do. `code` is stable so callers (CLI, viewer) can branch without `instanceof`
 * across bundle copies.
 */
export type ImagingErrorCode =
  | 'NOT_DICOM'
  | 'NOT_NIFTI'
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  | 'UNSUPPORTED_PIXEL_FORMAT'
  | 'COLOUR_IMAGE'
  | 'MISSING_PIXEL_DATA'
  | 'CORRUPT_PIXEL_DATA'
  | 'INCONSISTENT_GEOMETRY'
  | 'NON_FINITE_VOXELS'
  | 'EMPTY_VOLUME'
  | 'INVALID_ARGUMENT'
  | 'RESOURCE_LIMIT'
  | 'MULTI_VOLUME'
  | 'MISSING_DATA'
  | 'EXTERNAL_COMMAND_FAILED';

export class ImagingError extends Error {
  readonly code: ImagingErrorCode;
  /** The file the problem was found in, when there is one. */
  readonly file: string | undefined;
  constructor(code: ImagingErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    super(file === undefined ? message : `${file}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.file = file;
  }
}

export class NotDicomError extends ImagingError {
  constructor(file: string | undefined, detail: string, options?: { cause?: unknown }) {
    super('NOT_DICOM', `not a readable DICOM file (${detail}). Give a DICOM Part-10 file (with the "DICM" preamble) or a raw little-endian dataset.`, file, options);
  }
}

export class NotNiftiError extends ImagingError {
  constructor(file: string | undefined, detail: string, options?: { cause?: unknown }) {
    super('NOT_NIFTI', `not a readable NIfTI-1 or NIfTI-2 file (${detail}). Give a .nii or .nii.gz file.`, file, options);
  }
}

export class UnsupportedTransferSyntaxError extends ImagingError {
  readonly transferSyntaxUID: string;
  readonly transferSyntaxName: string;
  constructor(file: string | undefined, transferSyntaxUID: string, transferSyntaxName: string, detail?: string) {
    super(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `transfer syntax ${transferSyntaxUID} (${transferSyntaxName}) cannot be decoded${detail ? `: ${detail}` : ''}. ` +
        'Convert the file to an uncompressed syntax first (for example `dcmdjpeg` or `gdcmconv --raw`), or register a decoder with `registerDecoder`.',
      file,
    );
    this.transferSyntaxUID = transferSyntaxUID;
    this.transferSyntaxName = transferSyntaxName;
  }
}

export class UnsupportedPixelFormatError extends ImagingError {
  constructor(file: string | undefined, detail: string) {
    super('UNSUPPORTED_PIXEL_FORMAT', `unsupported pixel format: ${detail}.`, file);
  }
}

export class ColourImageError extends ImagingError {
  readonly photometricInterpretation: string;
  constructor(file: string | undefined, photometricInterpretation: string, samplesPerPixel: number) {
    super(
      'COLOUR_IMAGE',
      `is a colour image (PhotometricInterpretation ${photometricInterpretation}, ${samplesPerPixel} samples per pixel) but a greyscale image (MONOCHROME1 or MONOCHROME2) is needed. Choose a greyscale series.`,
      file,
    );
    this.photometricInterpretation = photometricInterpretation;
  }
}

export class MissingPixelDataError extends ImagingError {
  constructor(file: string | undefined, detail = 'it has no Pixel Data (7FE0,0010) element') {
    super('MISSING_PIXEL_DATA', `has no image: ${detail}. It may be a structured report, a presentation state or a truncated file.`, file);
  }
}

export class CorruptPixelDataError extends ImagingError {
  constructor(file: string | undefined, detail: string, options?: { cause?: unknown }) {
    super('CORRUPT_PIXEL_DATA', `pixel data cannot be read: ${detail}. The file may be truncated or damaged.`, file, options);
  }
}

export class InconsistentGeometryError extends ImagingError {
  constructor(file: string | undefined, detail: string) {
    super('INCONSISTENT_GEOMETRY', `inconsistent geometry: ${detail}. Load the files as separate series or fix their headers.`, file);
  }
}

export class NonFiniteVoxelError extends ImagingError {
  readonly count: number;
  constructor(file: string | undefined, count: number, firstIndex: number) {
    super('NON_FINITE_VOXELS', `${count} voxel(s) are NaN or infinite (first at flat index ${firstIndex}). Replace them (for example with 0) before using the volume.`, file);
    this.count = count;
  }
}

export class EmptyVolumeError extends ImagingError {
  constructor(file: string | undefined, detail: string) {
    super('EMPTY_VOLUME', `empty image: ${detail}. Check that the right file was given.`, file);
  }
}

/** A file whose header asks for more than a reader's limits allow; checked before anything is allocated. */
export class ResourceLimitError extends ImagingError {
  readonly limit: string;
  constructor(file: string | undefined, detail: string, limit: string, value: number, max: number) {
    super(
      'RESOURCE_LIMIT',
      `${detail} is ${value.toLocaleString('en')}, more than the ${limit} limit of ${max.toLocaleString('en')}. If the file is meant to be this large, raise \`limits.${limit}\`; a damaged or hostile header can claim any size.`,
      file,
    );
    this.limit = limit;
  }
}

/** A file that holds several 3-D volumes when one was expected and none was chosen. */
export class MultiVolumeError extends ImagingError {
  readonly volumes: number;
  constructor(file: string | undefined, volumes: number, dims: readonly number[]) {
    super(
      'MULTI_VOLUME',
      `holds ${volumes} 3-D volumes (dimensions ${dims.join(' x ')}), and which one to read was not said. Give \`volumeIndex\` (0..${volumes - 1}), or split the file into 3-D files first (for example \`fslsplit\` or nibabel).`,
      file,
    );
    this.volumes = volumes;
  }
}

export class InvalidArgumentError extends ImagingError {
  constructor(fn: string, detail: string) {
    super('INVALID_ARGUMENT', `${fn}: ${detail}`);
  }
}

export class MissingDataError extends ImagingError {
  constructor(what: string, howToFix: string) {
    super('MISSING_DATA', `${what} is missing. ${howToFix}`);
  }
}

export class ExternalCommandError extends ImagingError {
  constructor(command: string, detail: string) {
    super('EXTERNAL_COMMAND_FAILED', `\`${command}\` failed: ${detail}`);
  }
}
