import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RangeOptions } from '../input/metricOptions';
import { checkNonNegative, checkPositive, checkSpatialDims } from '../input/optionChecks';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';

/**
 * Peak signal-to-noise ratio in dB, 10 log10(dataRange^2 / MSE), over the image
 * or the mask (as skimage.metrics.peak_signal_noise_ratio). Identical images give Infinity.
 */
export async function psnr(reference: ImageInput, test: ImageInput, options: RangeOptions): Promise<MetricResult> {
  const fn = 'psnr';
  const dataRange = checkPositive(fn, 'dataRange', options?.dataRange);
  return evaluatePerImage(
    {
      fn,
      spatialDims: checkSpatialDims(fn, options.spatialDims),
      images: [
        { name: 'reference', input: reference },
        { name: 'test', input: test },
      ],
      mask: options.mask,
      dataRange,
      rangeTolerance: options.rangeTolerance === undefined ? undefined : checkNonNegative(fn, 'rangeTolerance', options.rangeTolerance),
    },
    ({ images: [r, t], mask }) => {
      const { values: meanSquared, support } = regionMean(tf.squaredDifference(r as tf.Tensor, t as tf.Tensor), mask);
      const values = tf.mul(10 / Math.LN10, tf.log(tf.div(dataRange * dataRange, meanSquared)));
      return { values, support };
    },
  );
}
