import { basename } from 'node:path';
import { decode } from 'fast-png';
import { InvalidInputError } from '../errors';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG inpainting mask on a rows x cols grid: 1 where its first channel is non-zero. The size is
 * read from the IHDR chunk and checked before decoding, so a file claiming a huge image is refused
 * without allocating it; anything that does not decode is an InvalidInputError, not a stack trace.
 */
export function readPngMask(bytes: Uint8Array, file: string, rows: number, cols: number): Uint8Array {
  const name = basename(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new InvalidInputError(`The mask ${name} is not a PNG file (no PNG signature); give a PNG image of the slice's size, a NIfTI mask or a rectangle x,y,w,h.`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width !== cols || height !== rows) throw new InvalidInputError(`The mask ${name} is ${width} x ${height} pixels but the slice is ${cols} x ${rows} (columns x rows); draw the mask on this image's grid.`);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new InvalidInputError(`The mask ${name} is not a readable PNG (${(e as Error).message}); save it again as a PNG image.`);
  }
  if (png.width !== cols || png.height !== rows || png.data.length < rows * cols * png.channels) throw new InvalidInputError(`The mask ${name} decodes to ${png.width} x ${png.height} pixels, not the ${cols} x ${rows} its header says; save it again.`);
  const mask = new Uint8Array(rows * cols);
  for (let i = 0; i < mask.length; i++) mask[i] = png.data[i * png.channels]! > 0 ? 1 : 0;
  return mask;
}
