import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RegionOptions } from '../input/metricOptions';
import { checkSpatialDims } from '../input/optionChecks';
import { imageSum } from '../ops/regionMean';
import type { MetricResult } from '../result';

/**
 * Normalised mean squared error, sum((reference - test)^2) / sum(reference^2)
 * over the image or the mask (the fastMRI definition; equals the square of
 * NRMSE with 'euclidean' normalisation). Undefined (NaN/Infinity) for an all-zero reference.
 */
export async function nmse(reference: ImageInput, test: ImageInput, options: RegionOptions = {}): Promise<MetricResult> {
  const fn = 'nmse';
  return evaluatePerImage(
    {
      fn,
      spatialDims: checkSpatialDims(fn, options.spatialDims),
      images: [
        { name: 'reference', input: reference },
        { name: 'test', input: test },
      ],
      mask: options.mask,
    },
    ({ images: [r, t], mask }) => {
      const ref = r as tf.Tensor;
      const weigh = (x: tf.Tensor): tf.Tensor => (mask ? tf.mul(x, mask) : x);
      const err = imageSum(weigh(tf.squaredDifference(ref, t as tf.Tensor)));
      return { values: tf.div(err, imageSum(weigh(tf.square(ref)))) };
    },
  );
}
