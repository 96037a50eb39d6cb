import * as tf from '@tensorflow/tfjs-core';
import { EmptyMaskError, InvalidOptionError } from '../errors';
import type { MaskInput } from '../input/maskInput';
import { checkSpatialDims, type SpatialDims } from '../input/optionChecks';
import { disposePrepared, prepareInputs } from '../input/prepareInputs';
import { metricResult, type MetricResult } from '../result';
import { squaredDistanceTransform } from './distanceTransform';
import { percentile } from './percentile';
import { maskSurface } from './surface';

export interface HausdorffOptions {
  /** Percentile of the surface distances, in (0, 100]; default 95 (HD95). 100 gives the classic Hausdorff distance. */
  readonly percentile?: number;
  /** Size of a pixel/voxel along each spatial axis (row-major order), default all 1; results are in these units. */
  readonly spacing?: readonly number[];
  /** 2 (default) for slices, 3 for volumes; decides how the input's axes are read. */
  readonly spatialDims?: SpatialDims;
}

/**
 * Symmetric percentile Hausdorff distance between two binary masks, per image:
 * max(P_q(d(S_a, S_b)), P_q(d(S_b, S_a))), where S are the masks' surface
 * voxels, d(X, Y) the Euclidean distance from each voxel of X to the nearest of
 * Y (with `spacing`), and P_q the q-th percentile with linear interpolation.
 * This is MONAI's compute_hausdorff_distance (percentile=95, directed=False).
 * An empty mask makes the distance undefined and throws EmptyMaskError.
 * Runs on the CPU in JavaScript (exact distance transform, linear in the voxel count).
 */
export async function hausdorffDistance(a: MaskInput, b: MaskInput, options: HausdorffOptions = {}): Promise<MetricResult> {
  const fn = 'hausdorffDistance';
  const spatialDims = checkSpatialDims(fn, options.spatialDims);
  const q = options.percentile ?? 95;
  if (typeof q !== 'number' || !(q > 0 && q <= 100)) {
    throw new InvalidOptionError(`${fn}: percentile must be in (0, 100], got ${String(q)}.`);
  }
  const spacing = options.spacing ?? new Array<number>(spatialDims).fill(1);
  if (spacing.length !== spatialDims || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw new InvalidOptionError(
      `${fn}: spacing must hold ${spatialDims} finite numbers > 0 (one per spatial axis), got ${JSON.stringify(options.spacing)}.`,
    );
  }
  const inputs = await prepareInputs({
    fn,
    spatialDims,
    images: [
      { name: 'a', input: a },
      { name: 'b', input: b },
    ],
    imagesAreMasks: true,
  });
  let dataA: Float32Array;
  let dataB: Float32Array;
  try {
    const [ta, tb] = inputs.images as [tf.Tensor, tf.Tensor];
    [dataA, dataB] = (await Promise.all([ta.data(), tb.data()])) as [Float32Array, Float32Array];
  } finally {
    disposePrepared(inputs);
  }
  const size = inputs.spatialShape.reduce((p, s) => p * s, 1);
  const values: number[] = [];
  for (let i = 0; i < inputs.count; i++) {
    const ma = Uint8Array.from(dataA.subarray(i * size, (i + 1) * size));
    const mb = Uint8Array.from(dataB.subarray(i * size, (i + 1) * size));
    const emptyA = !ma.includes(1);
    const emptyB = !mb.includes(1);
    if (emptyA || emptyB) {
      const which = emptyA && emptyB ? 'both masks are' : emptyA ? 'mask a is' : 'mask b is';
      throw new EmptyMaskError(
        `${fn}: for image ${i} ${which} empty, so the surface distance is undefined; drop that image.`,
      );
    }
    values.push(symmetricPercentileDistance(ma, mb, inputs.spatialShape, spacing, q));
  }
  return metricResult(values);
}

function symmetricPercentileDistance(
  a: Uint8Array,
  b: Uint8Array,
  shape: readonly number[],
  spacing: readonly number[],
  q: number,
): number {
  const sa = maskSurface(a, shape);
  const sb = maskSurface(b, shape);
  return Math.max(directed(sa, sb, shape, spacing, q), directed(sb, sa, shape, spacing, q));
}

/** q-th percentile of the distances from each voxel of `from` to the nearest voxel of `to`. */
function directed(from: Uint8Array, to: Uint8Array, shape: readonly number[], spacing: readonly number[], q: number): number {
  const d2 = squaredDistanceTransform(to, shape, spacing);
  const distances: number[] = [];
  for (let i = 0; i < from.length; i++) if (from[i]) distances.push(Math.sqrt(d2[i] as number));
  return percentile(Float64Array.from(distances), q);
}
