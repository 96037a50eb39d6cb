import { decode } from 'fast-png';
import { ColourImageError, CorruptPixelDataError, InvalidArgumentError, ResourceLimitError } from '../errors.js';
import { IDENTITY_DIRECTION, type Volume } from '../image.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from '../readerLimits.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface ReadPngOptions {
  readonly file?: string;
  /** Pixel spacing [column, row] in mm; a PNG records none, so the default is nominal 1 x 1. */
  readonly spacing?: readonly [number, number];
  readonly modality?: string;
  readonly limits?: Partial<ReaderLimits>;
}

/**
 * Reads a greyscale PNG as a one-slice Volume of its stored values (8 or 16 bits). Many medical PNGs
 * (ITK's example slices among them) are saved as palette or RGB images whose colours are all grey:
 * those are read through the palette or from one channel. An image with any non-grey colour is refused
 * with ColourImageError, an alpha channel is ignored. The size in the IHDR chunk is checked against the
 * reader limits before decoding, since the decoder allocates what the header claims.
 */
export function readPng(bytes: Uint8Array, options: ReadPngOptions = {}): Volume {
  const file = options.file ?? 'image.png';
  const limits = { ...DEFAULT_READER_LIMITS, ...options.limits };
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new InvalidArgumentError('readPng', `${file} is not a PNG file (no PNG signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cols = view.getUint32(16);
  const rows = view.getUint32(20);
  for (const [what, v] of [['width', cols], ['height', rows]] as const) if (v > limits.maxDimension) throw new ResourceLimitError(file, `the PNG ${what}`, 'maxDimension', v, limits.maxDimension);
  if (rows * cols > limits.maxVoxels) throw new ResourceLimitError(file, 'the PNG pixel count', 'maxVoxels', rows * cols, limits.maxVoxels);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new CorruptPixelDataError(file, `the PNG stream does not decode (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const n = rows * cols;
  if (png.width !== cols || png.height !== rows || png.data.length < n * png.channels) throw new CorruptPixelDataError(file, `the PNG decodes to ${png.width} x ${png.height} x ${png.channels}, not the ${cols} x ${rows} of its header`);
  const data = new Float32Array(n);
  if (png.palette) {
    const palette = png.palette;
    for (const c of palette) if (c[0] !== c[1] || c[1] !== c[2]) throw new ColourImageError(file, 'PNG palette with colours', 3);
    for (let i = 0; i < n; i++) {
      const entry = palette[png.data[i]!];
      if (entry === undefined) throw new CorruptPixelDataError(file, `pixel ${i} uses palette entry ${png.data[i]} of ${palette.length}`);
      data[i] = entry[0]!;
    }
  } else {
    // Grey (1), grey + alpha (2), RGB (3) or RGBA (4): colour channels must agree.
    const ch = png.channels;
    const colour = ch >= 3;
    for (let i = 0; i < n; i++) {
      const v = png.data[i * ch]!;
      if (colour && (png.data[i * ch + 1] !== v || png.data[i * ch + 2] !== v)) throw new ColourImageError(file, 'PNG RGB with colours', 3);
      data[i] = v;
    }
  }
  const [sx, sy] = options.spacing ?? [1, 1];
  return {
    data,
    shape: [1, rows, cols],
    geometry: { spacing: [sx, sy, 1], origin: [0, 0, 0], direction: IDENTITY_DIRECTION },
    ...(options.modality ? { modality: options.modality } : {}),
    source: { format: 'png', files: [file] },
  };
}
