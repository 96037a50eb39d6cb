import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RegionOptions } from '../input/metricOptions';
import { checkSpatialDims } from '../input/optionChecks';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';

/** Mean squared error, mean((reference - test)^2) over the image or the mask. */
export async function mse(reference: ImageInput, test: ImageInput, options: RegionOptions = {}): Promise<MetricResult> {
  const fn = 'mse';
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
    ({ images: [r, t], mask }) => regionMean(tf.squaredDifference(r as tf.Tensor, t as tf.Tensor), mask),
  );
}
