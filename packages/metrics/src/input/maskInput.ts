import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '../errors';
import { batchLayout, describeShape, inputShape, type ImageInput } from './imageInput';
import type { SpatialDims } from './optionChecks';

/**
 * A binary region: 1 (or true) inside, 0 outside. Either one mask per image
 * (the images' own shape) or one mask for the whole batch (the spatial shape).
 * Tensors may be bool, int32 or float32; typed arrays any numeric type.
 */
export type MaskInput = ImageInput;

/**
 * Float32 `[N or 1, ...spatial]` mask. Values are not checked here (that needs a
 * readback); `prepareInputs` does it. Call inside tidy.
 */
export function toMaskBatch(
  fn: string,
  name: string,
  mask: MaskInput,
  spatialDims: SpatialDims,
  count: number,
  spatialShape: readonly number[],
): tf.Tensor {
  const shape = inputShape(fn, name, mask);
  const layout = batchLayout(fn, name, shape, spatialDims);
  const sameSpatial =
    layout.spatialShape.length === spatialShape.length && layout.spatialShape.every((s, i) => s === spatialShape[i]);
  if (!sameSpatial || (layout.count !== count && layout.count !== 1)) {
    throw new ShapeMismatchError(
      `${fn}: ${name} has shape ${describeShape(shape)} but the images are ${count} of ` +
        `${describeShape(spatialShape)}; pass one mask of ${describeShape(spatialShape)} for all images, ` +
        `or one per image (${describeShape([count, ...spatialShape])}).`,
    );
  }
  const canonical = [layout.count, ...layout.spatialShape];
  if (mask instanceof tf.Tensor) {
    const m = tf.reshape(mask, canonical);
    return m.dtype === 'float32' ? m : tf.cast(m, 'float32');
  }
  const data = mask.data instanceof Float32Array ? mask.data : Float32Array.from(mask.data);
  return tf.tensor(data, canonical, 'float32');
}
