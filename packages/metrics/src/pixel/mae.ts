import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RegionOptions } from '../input/metricOptions';
import { checkSpatialDims } from '../input/optionChecks';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';

/** Mean absolute error, mean(|reference - test|) over the image or the mask. */
export async function mae(reference: ImageInput, test: ImageInput, options: RegionOptions = {}): Promise<MetricResult> {
  const fn = 'mae';
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
    ({ images: [r, t], mask }) => regionMean(tf.abs(tf.sub(r as tf.Tensor, t as tf.Tensor)), mask),
  );
}
