import * as tf from '@tensorflow/tfjs-core';
import { InvalidShapeError } from '../errors';
import type { SpatialDims } from './optionChecks';

/** Typed arrays accepted as pixel data. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/** Pixel data in row-major (C) order with its shape, e.g. `{ data, shape: [N, H, W] }`. */
export interface ArrayImage {
  readonly data: NumericArray;
  readonly shape: readonly number[];
}

/**
 * One image or a batch. With `spatialDims: 2` (default): `[H, W]`, `[N, H, W]` or
 * `[N, H, W, 1]`. With `spatialDims: 3`: `[D, H, W]`, `[N, D, H, W]` or `[N, D, H, W, 1]`.
 */
export type ImageInput = tf.Tensor | ArrayImage;

/** A batch in canonical form: float32 `[N, ...spatial]`, no channel axis. */
export interface ImageBatch {
  readonly x: tf.Tensor;
  readonly count: number;
  readonly spatialShape: readonly number[];
}

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function isTensor(input: unknown): input is tf.Tensor {
  return input instanceof tf.Tensor;
}

/** The input's shape, checked against its data length for typed arrays. */
export function inputShape(fn: string, name: string, input: ImageInput): readonly number[] {
  if (isTensor(input)) return input.shape;
  if (input === null || typeof input !== 'object' || !ArrayBuffer.isView(input.data) || !Array.isArray(input.shape)) {
    throw new InvalidShapeError(
      `${fn}: ${name} must be a tf.Tensor or { data: TypedArray, shape: number[] }, got ${describeValue(input)}.`,
    );
  }
  const { shape, data } = input;
  if (!shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new InvalidShapeError(`${fn}: ${name}.shape must hold positive integers, got ${describeShape(shape)}.`);
  }
  const size = shape.reduce((p, s) => p * s, 1);
  if (size !== data.length) {
    throw new InvalidShapeError(
      `${fn}: ${name}.shape ${describeShape(shape)} needs ${size} values but data has ${data.length}.`,
    );
  }
  return shape;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a plain array (wrap it: { data: new Float32Array(values), shape })';
  if (ArrayBuffer.isView(v)) return 'a bare typed array (add its shape: { data, shape })';
  return typeof v;
}

/**
 * Splits a shape into batch size and spatial shape, following the rules of
 * `ImageInput`. Throws InvalidShapeError for any other rank.
 */
export function batchLayout(
  fn: string,
  name: string,
  shape: readonly number[],
  spatialDims: SpatialDims,
): { count: number; spatialShape: number[] } {
  const rank = shape.length;
  if (rank === spatialDims) return { count: 1, spatialShape: [...shape] };
  if (rank === spatialDims + 1) return { count: shape[0] as number, spatialShape: shape.slice(1) };
  if (rank === spatialDims + 2) {
    if (shape[rank - 1] !== 1) {
      throw new InvalidShapeError(
        `${fn}: ${name} has shape ${describeShape(shape)}; a trailing channel axis must have size 1. ` +
          'Score channels separately (e.g. as a batch)' +
          (spatialDims === 2 ? ', or pass spatialDims: 3 if these are volumes [N, D, H, W].' : '.'),
      );
    }
    return { count: shape[0] as number, spatialShape: shape.slice(1, rank - 1) };
  }
  const forms =
    spatialDims === 2 ? '[H, W], [N, H, W] or [N, H, W, 1]' : '[D, H, W], [N, D, H, W] or [N, D, H, W, 1]';
  throw new InvalidShapeError(
    `${fn}: ${name} has rank ${rank} (shape ${describeShape(shape)}); with spatialDims ${spatialDims} ` +
      `expected ${forms}.` +
      (spatialDims === 2 && rank === 5 ? ' For volumes pass spatialDims: 3.' : ''),
  );
}

/**
 * Canonical float32 `[N, ...spatial]` tensor. Always a new tensor handle (never
 * the caller's), so disposing it leaves the caller's tensor intact. Call inside tidy.
 */
export function toImageBatch(fn: string, name: string, input: ImageInput, spatialDims: SpatialDims): ImageBatch {
  const shape = inputShape(fn, name, input);
  const { count, spatialShape } = batchLayout(fn, name, shape, spatialDims);
  const canonical = [count, ...spatialShape];
  let x: tf.Tensor;
  if (isTensor(input)) {
    if (input.isDisposed) throw new InvalidShapeError(`${fn}: ${name} is a disposed tensor.`);
    x = tf.reshape(input, canonical);
    if (x.dtype !== 'float32') x = tf.cast(x, 'float32');
  } else {
    const data = input.data instanceof Float32Array ? input.data : Float32Array.from(input.data);
    x = tf.tensor(data, canonical, 'float32');
  }
  return { x, count, spatialShape };
}
