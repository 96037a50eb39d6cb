import * as tf from '@tensorflow/tfjs-core';
import { evaluatePerImage } from '../input/evaluate';
import type { MaskInput } from '../input/maskInput';
import { checkSpatialDims, type SpatialDims } from '../input/optionChecks';
import { imageSum } from '../ops/regionMean';
import type { MetricResult } from '../result';

export interface SegmentationOptions {
  /** 2 (default) for slices, 3 for volumes; decides how the input's axes are read. */
  readonly spatialDims?: SpatialDims;
}

type OverlapScore = (intersection: tf.Tensor, sizeA: tf.Tensor, sizeB: tf.Tensor) => tf.Tensor;

/** Shared body of Dice and IoU: per-image |A and B|, |A|, |B| from binary masks. */
export async function overlapMetric(
  fn: string,
  a: MaskInput,
  b: MaskInput,
  options: SegmentationOptions,
  score: OverlapScore,
): Promise<MetricResult> {
  return evaluatePerImage(
    {
      fn,
      spatialDims: checkSpatialDims(fn, options.spatialDims),
      images: [
        { name: 'a', input: a },
        { name: 'b', input: b },
      ],
      imagesAreMasks: true,
      emptySupportHint: 'both masks are empty, so the overlap is undefined; drop that image or decide its score yourself.',
    },
    ({ images: [x, y] }) => {
      const sizeA = imageSum(x as tf.Tensor);
      const sizeB = imageSum(y as tf.Tensor);
      const intersection = imageSum(tf.mul(x as tf.Tensor, y as tf.Tensor));
      return { values: score(intersection, sizeA, sizeB), support: tf.add(sizeA, sizeB) };
    },
  );
}

/** Dice similarity coefficient 2|A and B| / (|A| + |B|) per image; both masks empty is an error. */
export async function dice(a: MaskInput, b: MaskInput, options: SegmentationOptions = {}): Promise<MetricResult> {
  return overlapMetric('dice', a, b, options, (i, sa, sb) => tf.div(tf.mul(2, i), tf.add(sa, sb)));
}

/** Intersection over union (Jaccard) |A and B| / |A or B| per image; both masks empty is an error. */
export async function iou(a: MaskInput, b: MaskInput, options: SegmentationOptions = {}): Promise<MetricResult> {
  return overlapMetric('iou', a, b, options, (i, sa, sb) => tf.div(i, tf.sub(tf.add(sa, sb), i)));
}
