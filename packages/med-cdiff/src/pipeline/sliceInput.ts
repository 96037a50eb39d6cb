import type { ImageGeometry } from '@meddiff/imaging';
import { InvalidInputError } from '../errors';

/**
 * A 2-D slice in modality units. An `Image2D` from @meddiff/imaging (with geometry and DICOM
 * references) is one; so is a bare `{ data, shape }`.
 */
export interface SliceInput {
  readonly data: Float32Array;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
  readonly geometry?: ImageGeometry;
}

export function validateSlice(fn: string, image: SliceInput): void {
  const shape = image?.shape;
  if (!image || !(image.data instanceof Float32Array) || !Array.isArray(shape) || shape.length !== 2) {
    throw new InvalidInputError(`${fn}: expected a 2-D slice { data: Float32Array, shape: [rows, cols] }; for a volume, pass one slice at a time.`);
  }
  const [rows, cols] = shape as [number, number];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 2 || cols < 2) throw new InvalidInputError(`${fn}: a slice needs at least 2 x 2 pixels, got ${rows} x ${cols}.`);
  if (image.data.length !== rows * cols) throw new InvalidInputError(`${fn}: data has ${image.data.length} values but the shape is ${rows} x ${cols}.`);
  for (let i = 0; i < image.data.length; i++) {
    if (!Number.isFinite(image.data[i]!)) throw new InvalidInputError(`${fn}: pixel ${i} (row ${Math.floor(i / cols)}, column ${i % cols}) is ${image.data[i]}; the slice must hold finite values.`);
  }
}
