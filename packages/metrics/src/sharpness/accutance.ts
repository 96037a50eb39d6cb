import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RangeOptions, RegionOptions } from '../input/metricOptions';
import { checkNonNegative, checkPositive, checkSpatialDims } from '../input/optionChecks';
import { padSymmetric1, sliceAxis } from '../ops/axisOps';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';

/**
 * Sobel gradient magnitude `[N, ...spatial]` of `x` `[N, ...spatial]`.
 * Along axis k: central difference (x[i+1] - x[i-1]) / 2; along every other
 * axis: the [1, 2, 1] / 4 smoothing. So a ramp of slope 1 has magnitude 1; it
 * is scipy.ndimage.sobel divided by 8 (2-D) or 32 (3-D). Borders use symmetric
 * padding (scipy's mode 'reflect').
 */
export function sobelMagnitude(x: tf.Tensor): tf.Tensor {
  const padded = padSymmetric1(x);
  const spatialAxes = x.shape.slice(1).map((_, i) => i + 1);
  const at = (t: tf.Tensor, axis: number, offset: number): tf.Tensor =>
    sliceAxis(t, axis, offset, (x.shape[axis] as number));
  let sumOfSquares: tf.Tensor | null = null;
  for (const k of spatialAxes) {
    let g: tf.Tensor = padded;
    for (const axis of spatialAxes) {
      g =
        axis === k
          ? tf.mul(tf.sub(at(g, axis, 2), at(g, axis, 0)), 0.5)
          : tf.mul(tf.add(tf.add(at(g, axis, 0), tf.mul(at(g, axis, 1), 2)), at(g, axis, 2)), 0.25);
    }
    const sq = tf.square(g);
    sumOfSquares = sumOfSquares ? tf.add(sumOfSquares, sq) : sq;
  }
  return tf.sqrt(sumOfSquares as tf.Tensor);
}

/**
 * Accutance (sharpness): the mean Sobel gradient magnitude over the image or
 * the mask, divided by `dataRange`, i.e. the mean intensity change per pixel
 * as a fraction of the intensity scale. Higher is sharper; noise raises it too,
 * so compare with the ground truth through `accutanceRatio`.
 */
export async function accutance(image: ImageInput, options: RangeOptions): Promise<MetricResult> {
  const fn = 'accutance';
  const dataRange = checkPositive(fn, 'dataRange', options?.dataRange);
  return evaluatePerImage(
    {
      fn,
      spatialDims: checkSpatialDims(fn, options.spatialDims),
      images: [{ name: 'image', input: image }],
      mask: options.mask,
      dataRange,
      rangeTolerance:
        options.rangeTolerance === undefined ? undefined : checkNonNegative(fn, 'rangeTolerance', options.rangeTolerance),
    },
    ({ images: [x], mask }) => {
      const { values, support } = regionMean(sobelMagnitude(x as tf.Tensor), mask);
      return { values: tf.div(values, dataRange), support };
    },
  );
}

/**
 * accutance(test) / accutance(reference) per image, over the same region:
 * 1 means as sharp as the ground truth, below 1 blurrier, above 1 sharper or
 * noisier. Independent of the data range. Infinity or NaN if the reference is flat.
 */
export async function accutanceRatio(
  reference: ImageInput,
  test: ImageInput,
  options: RegionOptions = {},
): Promise<MetricResult> {
  const fn = 'accutanceRatio';
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
      const ref = regionMean(sobelMagnitude(r as tf.Tensor), mask);
      const out = regionMean(sobelMagnitude(t as tf.Tensor), mask);
      return { values: tf.div(out.values, ref.values), support: ref.support };
    },
  );
}
