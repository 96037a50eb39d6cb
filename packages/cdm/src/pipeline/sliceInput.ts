import type { ImageGeometry } from '@meddiff/imaging';
import { InvalidInputError } from '../errors';

/**
 * A 2-D slice in scanner units. An `Image2D` from @meddiff/imaging (with geometry, frame of
 * reference and DICOM references) is one; so is a bare `{ data, shape }`.
 */
export interface SliceInput {
  readonly data: Float32Array;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
  readonly geometry?: ImageGeometry;
  /** DICOM FrameOfReferenceUID: slices sharing it share world coordinates. */
  readonly frameOfReferenceUID?: string;
}

export function validateSlice(fn: string, name: string, image: SliceInput): void {
  const shape = image?.shape;
  if (!image || !(image.data instanceof Float32Array) || !Array.isArray(shape) || shape.length !== 2) {
    throw new InvalidInputError(`${fn}: ${name} must be a 2-D slice { data: Float32Array, shape: [rows, cols] }; for a volume, pass one slice at a time.`);
  }
  const [rows, cols] = shape as [number, number];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 8 || cols < 8) throw new InvalidInputError(`${fn}: ${name} must have at least 8 x 8 pixels, got ${rows} x ${cols}.`);
  if (image.data.length !== rows * cols) throw new InvalidInputError(`${fn}: ${name} has ${image.data.length} values but its shape is ${rows} x ${cols}.`);
  for (let i = 0; i < image.data.length; i++) {
    if (!Number.isFinite(image.data[i]!)) throw new InvalidInputError(`${fn}: ${name} pixel ${i} (row ${Math.floor(i / cols)}, column ${i % cols}) is ${image.data[i]}; slices must hold finite values.`);
  }
}
