import * as tf from '@tensorflow/tfjs-core';
import { InvalidShapeError, NonFiniteValueError } from '../errors';
import { describeShape, type NumericArray } from '../input/imageInput';

/** n feature vectors of length d, row-major: `{ data, shape: [n, d] }`. */
export interface FeatureMatrix {
  readonly data: NumericArray;
  readonly shape: readonly [number, number];
}

/** A 2-D tensor `[n, d]`, a FeatureMatrix, or an array of n equal-length vectors. */
export type FeatureInput = tf.Tensor | FeatureMatrix | ReadonlyArray<ArrayLike<number>>;

/** Features as float64 `[n, d]`, checked for shape and finiteness. */
export interface Features {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

export async function toFeatures(fn: string, name: string, input: FeatureInput): Promise<Features> {
  let data: Float64Array;
  let shape: readonly number[];
  if (input instanceof tf.Tensor) {
    shape = input.shape;
    if (shape.length === 2) data = Float64Array.from(await input.data());
    else data = new Float64Array(0);
  } else if (Array.isArray(input)) {
    const rows = input as ReadonlyArray<ArrayLike<number>>;
    const d = rows[0]?.length ?? 0;
    if (!rows.every((r) => r.length === d)) {
      throw new InvalidShapeError(`${fn}: ${name} rows have different lengths; every feature vector needs the same length.`);
    }
    shape = [rows.length, d];
    data = new Float64Array(rows.length * d);
    rows.forEach((r, i) => data.set(Array.from(r), i * d));
  } else if (input && typeof input === 'object' && 'data' in input && ArrayBuffer.isView(input.data)) {
    shape = input.shape;
    data = Float64Array.from(input.data);
    const size = shape.reduce((p, s) => p * s, 1);
    if (shape.length === 2 && size !== data.length) {
      throw new InvalidShapeError(`${fn}: ${name}.shape ${describeShape(shape)} needs ${size} values but data has ${data.length}.`);
    }
  } else {
    throw new InvalidShapeError(`${fn}: ${name} must be a 2-D tf.Tensor, { data, shape: [n, d] } or an array of vectors.`);
  }
  if (shape.length !== 2 || (shape[0] as number) < 1 || (shape[1] as number) < 1) {
    throw new InvalidShapeError(
      `${fn}: ${name} must be features [n, d] with n, d >= 1, got shape ${describeShape(shape)}. ` +
        'Flatten or pool feature maps to one vector per image first.',
    );
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new NonFiniteValueError(
      `${fn}: ${name} holds a non-finite value (${data[bad]}) in vector ${Math.floor(bad / (shape[1] as number))}.`,
    );
  }
  return { data, n: shape[0] as number, d: shape[1] as number };
}
