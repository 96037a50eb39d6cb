import type { ImageGeometry } from './image.js';

/**
 * A 2-D slice in modality units, as the model pipelines take it. An `Image2D` (with geometry,
 * frame of reference and DICOM references) is one; so is a bare `{ data, shape }`.
 */
export interface SliceInput {
  readonly data: Float32Array;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
  readonly geometry?: ImageGeometry;
  /** DICOM FrameOfReferenceUID: slices sharing it share world coordinates. */
  readonly frameOfReferenceUID?: string;
}

/**
 * What is wrong with a slice handed to a model, in words for its user, or undefined when nothing
 * is: not a 2-D Float32Array slice, smaller than `minSide` pixels a side, data and shape
 * disagreeing, or a value that is not finite. `name` is how the message calls it ("source T2").
 * Each package throws its own typed error with the message.
 */
export function sliceProblem(image: SliceInput, name: string, minSide: number): string | undefined {
  const shape = image?.shape;
  if (!image || !(image.data instanceof Float32Array) || !Array.isArray(shape) || shape.length !== 2) {
    return `${name} must be a 2-D slice { data: Float32Array, shape: [rows, cols] }; for a volume, pass one slice at a time.`;
  }
  const [rows, cols] = shape as [number, number];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < minSide || cols < minSide) return `${name} must have at least ${minSide} x ${minSide} pixels, got ${rows} x ${cols}.`;
  if (image.data.length !== rows * cols) return `${name} has ${image.data.length} values but its shape is ${rows} x ${cols}.`;
  for (let i = 0; i < image.data.length; i++) {
    if (!Number.isFinite(image.data[i]!)) return `${name} pixel ${i} (row ${Math.floor(i / cols)}, column ${i % cols}) is ${image.data[i]}; slices must hold finite values.`;
  }
  return undefined;
}
