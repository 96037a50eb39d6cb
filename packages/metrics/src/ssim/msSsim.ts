import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError } from '../errors';
import { evaluatePerImage } from '../input/evaluate';
import type { ImageInput } from '../input/imageInput';
import type { RangeOptions } from '../input/metricOptions';
import { checkNonNegative, checkPositive, checkSpatialDims } from '../input/optionChecks';
import { cropBorder, downsample2 } from '../ops/axisOps';
import { regionMean } from '../ops/regionMean';
import type { MetricResult } from '../result';
import { checkSsimSize } from './ssim';
import { SSIM_RADIUS, SSIM_WINDOW, ssimMaps } from './ssimMaps';

/** Exponents of the five scales, fine to coarse, as calibrated by Wang et al. 2003. */
export const MS_SSIM_WEIGHTS: readonly number[] = Object.freeze([0.0448, 0.2856, 0.3001, 0.2363, 0.1333]);

export interface MsSsimOptions extends RangeOptions {
  /**
   * One exponent per scale, fine to coarse; default the five of Wang et al. 2003.
   * Fewer scales allow smaller images (each side needs 11 * 2^(scales - 1) pixels).
   * Used as given, not renormalised.
   */
  readonly weights?: readonly number[];
}

/**
 * Multi-scale SSIM (Wang, Simoncelli and Bovik 2003, eq. 7):
 * prod_j mean(cs_j)^w_j for the finer scales times mean(l_M * cs_M)^w_M at the
 * coarsest, with SSIM's window and constants at every scale, 2x average pooling
 * between scales, and negative means clamped to 0 (as TensorFlow and
 * pytorch-msssim do) so fractional powers stay real. A mask is pooled with the
 * images and used as fractional weights at the coarser scales.
 */
export async function msSsim(reference: ImageInput, test: ImageInput, options: MsSsimOptions): Promise<MetricResult> {
  const fn = 'msSsim';
  const dataRange = checkPositive(fn, 'dataRange', options?.dataRange);
  const weights = options.weights ?? MS_SSIM_WEIGHTS;
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every((w) => Number.isFinite(w) && w >= 0)) {
    throw new InvalidOptionError(
      `${fn}: weights must be a non-empty array of finite numbers >= 0, got ${JSON.stringify(options.weights)}.`,
    );
  }
  const minSide = SSIM_WINDOW * 2 ** (weights.length - 1);
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
      emptySupportHint: 'at some scale the pooled mask lies entirely in the unscored border; use a larger mask or fewer scales.',
    },
    ({ images: [r, t], mask, spatialShape }) => {
      checkSsimSize(
        fn,
        spatialShape,
        minSide,
        `for ${weights.length} scales (11 * 2^${weights.length - 1}); pass fewer weights for smaller images`,
      );
      let x = r as tf.Tensor;
      let y = t as tf.Tensor;
      let weight = mask;
      let product: tf.Tensor = tf.onesLike(tf.sum(x, x.shape.slice(1).map((_, i) => i + 1)));
      let support: tf.Tensor = tf.fill(product.shape, Infinity);
      for (let j = 0; j < weights.length; j++) {
        const { luminance, contrastStructure } = ssimMaps(x, y, dataRange);
        const last = j === weights.length - 1;
        const map = last ? tf.mul(luminance, contrastStructure) : contrastStructure;
        const m = regionMean(map, weight ? cropBorder(weight, SSIM_RADIUS) : null);
        product = tf.mul(product, tf.pow(tf.relu(m.values), weights[j] as number));
        support = tf.minimum(support, m.support);
        if (!last) {
          x = downsample2(x);
          y = downsample2(y);
          weight = weight ? downsample2(weight) : null;
        }
      }
      return { values: product, support };
    },
  );
}
