import * as tf from '@tensorflow/tfjs-core';
import { InvalidShapeError } from '../errors';
import { evaluatePerImage } from '../input/evaluate';
import { describeShape, type ImageInput } from '../input/imageInput';
import type { RangeOptions } from '../input/metricOptions';
import { checkNonNegative, checkPositive, checkSpatialDims } from '../input/optionChecks';
import { cropBorder } from '../ops/axisOps';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';
import { SSIM_RADIUS, SSIM_WINDOW, ssimMaps } from './ssimMaps';

export function checkSsimSize(fn: string, spatialShape: readonly number[], minimum: number, hint: string): void {
  if (spatialShape.some((s) => s < minimum)) {
    throw new InvalidShapeError(
      `${fn}: images are ${describeShape(spatialShape)} but every side must be at least ${minimum} ${hint}.`,
    );
  }
}

/**
 * Structural similarity (Wang et al. 2004): Gaussian window sigma 1.5 (11 taps),
 * K1 0.01, K2 0.03, population covariance; the mean of the SSIM map over pixels
 * whose window lies inside the image. Equals skimage.metrics.structural_similarity
 * with gaussian_weights=True, sigma=1.5, use_sample_covariance=False.
 * Volumes (spatialDims 3) use a 3-D Gaussian window, as scikit-image does on a 3-D array.
 * With a mask, the map is averaged over mask pixels away from that 5-pixel border.
 */
export async function ssim(reference: ImageInput, test: ImageInput, options: RangeOptions): Promise<MetricResult> {
  const fn = 'ssim';
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
      rangeTolerance:
        options.rangeTolerance === undefined ? undefined : checkNonNegative(fn, 'rangeTolerance', options.rangeTolerance),
      emptySupportHint: `the mask lies entirely within ${SSIM_RADIUS} pixels of the border, where SSIM is not scored.`,
    },
    ({ images: [r, t], mask, spatialShape }) => {
      checkSsimSize(fn, spatialShape, SSIM_WINDOW, '(the Gaussian window is 11 wide)');
      const { luminance, contrastStructure } = ssimMaps(r as tf.Tensor, t as tf.Tensor, dataRange);
      return regionMean(tf.mul(luminance, contrastStructure), mask ? cropBorder(mask, SSIM_RADIUS) : null);
    },
  );
}
