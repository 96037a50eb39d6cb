import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError, InvalidShapeError } from '../errors';
import { describeShape, inputShape, type ArrayImage } from '../input/imageInput';
import { checkPositiveInteger } from '../input/optionChecks';
import type { FeatureMatrix } from './featureMatrix';

/**
 * Anything with a tfjs `predict`: a `tf.GraphModel` from
 * `tf.loadGraphModel(url)` (@tensorflow/tfjs-converter) or a `tf.LayersModel`
 * from `tf.loadLayersModel(url)` (@tensorflow/tfjs-layers) both fit.
 */
export interface FeatureModel {
  predict(inputs: tf.Tensor): tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
}

export interface ExtractFeaturesOptions {
  /** Images per predict call (default 32). */
  readonly batchSize?: number;
  /**
   * Turns a slice of `images` (first axis = batch) into what the model expects,
   * e.g. resize to 299 x 299, repeat the grey channel 3 times, rescale. Runs
   * inside tf.tidy; it must be synchronous. Default: the slice as it is.
   */
  readonly preprocess?: (batch: tf.Tensor) => tf.Tensor;
  /** Which output to use when the model has several: an index, or a name for a NamedTensorMap. Default: the first. */
  readonly output?: number | string;
}

function pickOutput(out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, which: number | string | undefined): tf.Tensor {
  if (out instanceof tf.Tensor) return out;
  const picked = Array.isArray(out) ? out[typeof which === 'number' ? which : 0] : out[String(which ?? Object.keys(out)[0])];
  if (!picked) {
    const available = Array.isArray(out) ? `indices 0..${out.length - 1}` : `names ${Object.keys(out).join(', ')}`;
    throw new InvalidOptionError(`extractFeatures: the model has no output ${String(which)}; it has ${available}.`);
  }
  return picked;
}

/**
 * Runs `model` over `images` in batches and returns one feature vector per
 * image (each output flattened), ready for `fid`, `kid` or `featureStatistics`.
 * Every intermediate tensor is freed; the caller's tensors are left untouched.
 */
export async function extractFeatures(
  model: FeatureModel,
  images: tf.Tensor | ArrayImage,
  options: ExtractFeaturesOptions = {},
): Promise<FeatureMatrix> {
  const fn = 'extractFeatures';
  const batchSize = checkPositiveInteger(fn, 'batchSize', options.batchSize ?? 32);
  if (!model || typeof model.predict !== 'function') {
    throw new InvalidOptionError(`${fn}: model must have a predict(tensor) method (a tf.GraphModel or tf.LayersModel).`);
  }
  const shape = inputShape(fn, 'images', images);
  if (shape.length < 2) {
    throw new InvalidShapeError(`${fn}: images must have a batch axis first, got shape ${describeShape(shape)}.`);
  }
  const n = shape[0] as number;
  const owned = !(images instanceof tf.Tensor);
  const all = images instanceof tf.Tensor ? images : tf.tensor(images.data, [...shape], 'float32');
  try {
    let features: Float32Array | null = null;
    let dim = 0;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const out = tf.tidy(() => {
        const batch = tf.slice(all, [start, ...shape.slice(1).map(() => 0)], [size, ...shape.slice(1)]);
        const input = options.preprocess ? options.preprocess(batch) : batch;
        const y = pickOutput(model.predict(input), options.output);
        if (y.shape[0] !== size) {
          throw new InvalidShapeError(
            `${fn}: the model returned shape ${describeShape(y.shape)} for a batch of ${size}; the first axis must be the batch.`,
          );
        }
        return tf.cast(tf.reshape(y, [size, -1]), 'float32');
      });
      let values: Float32Array;
      try {
        values = (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
      if (!features) {
        dim = values.length / size;
        features = new Float32Array(n * dim);
      }
      features.set(values, start * dim);
    }
    return { data: features as Float32Array, shape: [n, dim] };
  } finally {
    if (owned) all.dispose();
  }
}
