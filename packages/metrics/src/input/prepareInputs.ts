import * as tf from '@tensorflow/tfjs-core';
import { DataRangeError, EmptyMaskError, InvalidMaskError, NonFiniteValueError, ShapeMismatchError } from '../errors';
import { describeShape, toImageBatch, type ImageBatch, type ImageInput } from './imageInput';
import { toMaskBatch, type MaskInput } from './maskInput';
import type { SpatialDims } from './optionChecks';

export interface PrepareSpec {
  readonly fn: string;
  readonly spatialDims: SpatialDims;
  /** Named inputs that must share one shape (reference and test, or one image). */
  readonly images: ReadonlyArray<{ readonly name: string; readonly input: ImageInput }>;
  /** True when the inputs themselves are binary masks (segmentations). */
  readonly imagesAreMasks?: boolean;
  readonly mask?: MaskInput | undefined;
  /** When set, each image's max - min must not exceed dataRange * (1 + rangeTolerance). */
  readonly dataRange?: number | undefined;
  readonly rangeTolerance?: number | undefined;
}

export interface PreparedInputs {
  /** Float32 `[N, ...spatial]`, in the order of `spec.images`. */
  readonly images: readonly tf.Tensor[];
  /** Float32 0/1 `[N or 1, ...spatial]`, or null without a mask. */
  readonly mask: tf.Tensor | null;
  readonly count: number;
  readonly spatialShape: readonly number[];
}

/** Default for `rangeTolerance`: values may overshoot the declared range by 10 %. */
export const DEFAULT_RANGE_TOLERANCE = 0.1;

function invalidBinaryCount(m: tf.Tensor): tf.Tensor {
  return tf.sum(tf.cast(tf.logicalAnd(tf.notEqual(m, 0), tf.notEqual(m, 1)), 'float32'));
}

/**
 * Converts and checks the inputs of one metric call with a single readback:
 * equal shapes, finite values, values within the declared data range, binary
 * non-empty masks. Throws a typed error and disposes everything it made on any
 * failure; on success the caller owns (and must dispose) the returned tensors.
 */
export async function prepareInputs(spec: PrepareSpec): Promise<PreparedInputs> {
  const { fn, spatialDims } = spec;
  let count = 0;
  let spatialShape: readonly number[] = [];
  const made = tf.tidy(() => {
    const batches: ImageBatch[] = spec.images.map(({ name, input }) => toImageBatch(fn, name, input, spatialDims));
    const first = batches[0] as ImageBatch;
    batches.forEach((b, i) => {
      if (b.x.shape.length !== first.x.shape.length || b.x.shape.some((s, k) => s !== first.x.shape[k])) {
        const a = spec.images[0]?.name ?? '';
        const n = spec.images[i]?.name ?? '';
        throw new ShapeMismatchError(
          `${fn}: ${a} is ${b.count === first.count ? '' : `${first.count} image(s) of `}${describeShape(first.spatialShape)} ` +
            `but ${n} is ${b.count === first.count ? '' : `${b.count} image(s) of `}${describeShape(b.spatialShape)}; ` +
            'they must have the same shape.',
        );
      }
    });
    count = first.count;
    spatialShape = first.spatialShape;
    const images = batches.map((b) => b.x);
    return spec.mask === undefined
      ? { images }
      : { images, mask: toMaskBatch(fn, 'mask', spec.mask, spatialDims, first.count, first.spatialShape) };
  });
  const prepared: PreparedInputs = { images: made.images, mask: made.mask ?? null, count, spatialShape };

  try {
    await check(spec, prepared);
  } catch (e) {
    tf.dispose([...prepared.images, ...(prepared.mask ? [prepared.mask] : [])]);
    throw e;
  }
  return prepared;
}

async function check(spec: PrepareSpec, p: PreparedInputs): Promise<void> {
  const { fn } = spec;
  const axes = p.spatialShape.map((_, i) => i + 1);
  const n = p.count;
  // Layout of the readback: per input [nonFinite(N), min(N), max(N), invalidBinary(1)], then mask [invalid(1), sums(M)].
  const stats = tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (const x of p.images) {
      parts.push(tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'float32'), axes));
      parts.push(tf.min(x, axes), tf.max(x, axes));
      parts.push(spec.imagesAreMasks ? tf.reshape(invalidBinaryCount(x), [1]) : tf.zeros([1]));
    }
    if (p.mask) {
      parts.push(tf.reshape(invalidBinaryCount(p.mask), [1]), tf.sum(p.mask, axes));
    }
    return tf.concat(parts);
  });
  let values: Float32Array;
  try {
    values = (await stats.data()) as Float32Array;
  } finally {
    stats.dispose();
  }

  let at = 0;
  const take = (k: number): Float32Array => {
    const out = values.subarray(at, at + k);
    at += k;
    return out;
  };
  for (const { name } of spec.images) {
    const nonFinite = take(n);
    const mins = take(n);
    const maxs = take(n);
    const invalid = take(1)[0] as number;
    const bad = nonFinite.findIndex((c) => c > 0);
    if (bad >= 0) {
      throw new NonFiniteValueError(
        `${fn}: ${name} image ${bad} holds ${nonFinite[bad]} NaN or infinite value(s); metrics need finite pixels.`,
      );
    }
    if (invalid > 0) {
      throw new InvalidMaskError(
        `${fn}: ${name} holds ${invalid} value(s) other than 0 and 1; threshold it to a binary mask first.`,
      );
    }
    if (spec.dataRange !== undefined) {
      const tol = spec.rangeTolerance ?? DEFAULT_RANGE_TOLERANCE;
      const limit = spec.dataRange * (1 + tol);
      for (let i = 0; i < n; i++) {
        const span = (maxs[i] as number) - (mins[i] as number);
        if (span > limit) {
          throw new DataRangeError(
            `${fn}: ${name} image ${i} spans ${span} (min ${mins[i]}, max ${maxs[i]}), more than ` +
              `dataRange ${spec.dataRange} allows (tolerance ${tol}). Pass the dataRange of the intensity scale ` +
              '(e.g. 1 for [0, 1], 2 for [-1, 1], 255 for 8-bit), put both images on the same scale, ' +
              'or raise rangeTolerance.',
          );
        }
      }
    }
  }
  if (p.mask) {
    const invalid = take(1)[0] as number;
    if (invalid > 0) {
      throw new InvalidMaskError(
        `${fn}: mask holds ${invalid} value(s) other than 0 and 1 (or NaN); threshold it to a binary mask first.`,
      );
    }
    const sums = take(p.mask.shape[0] as number);
    const empty = sums.findIndex((s) => s === 0);
    if (empty >= 0) {
      throw new EmptyMaskError(
        `${fn}: mask ${sums.length === 1 ? '' : `for image ${empty} `}selects no pixel; ` +
          'a metric over an empty region is undefined. Drop that image or pass a non-empty mask.',
      );
    }
  }
}

/** Disposes what `prepareInputs` returned. */
export function disposePrepared(p: PreparedInputs): void {
  tf.dispose([...p.images, ...(p.mask ? [p.mask] : [])]);
}
