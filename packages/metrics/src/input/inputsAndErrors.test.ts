import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataRangeError,
  EmptyMaskError,
  InvalidMaskError,
  InvalidOptionError,
  InvalidShapeError,
  MetricsError,
  NonFiniteValueError,
  ShapeMismatchError,
} from '../errors';
import { accutance, dice, hausdorffDistance, mae, msSsim, mse, nmse, nrmse, psnr, ssim } from '../index';
import { useBackend } from '../testing/backend';
import { loadImage, stack } from '../testing/fixtures';

/** Runs `body`, then asserts that it left the tensor count unchanged. */
async function leavesNoTensors(body: () => Promise<unknown>): Promise<void> {
  const before = tf.memory().numTensors;
  try {
    await body();
  } finally {
    expect(tf.memory().numTensors).toBe(before);
  }
}

const ref = loadImage('2d', 'reference');
const noisy = loadImage('2d', 'noise');
const [H, W] = ref.shape as [number, number];

describe('input forms', () => {
  beforeAll(() => useBackend('cpu'));

  it('tensors, typed arrays and every accepted 2-D layout give the same values', async () => {
    const expected = (await ssim(ref, noisy, { dataRange: 1 })).mean;
    const r = tf.tensor2d(ref.data, [H, W]);
    const t = tf.tensor2d(noisy.data, [H, W]);
    const r3 = tf.reshape(r, [1, H, W]);
    const t4 = tf.reshape(t, [1, H, W, 1]);
    const ti = tf.tensor2d(Int32Array.from(noisy.data, (v) => Math.round(v * 1000)), [H, W], 'int32');
    await leavesNoTensors(async () => {
      expect((await ssim(r, t, { dataRange: 1 })).mean).toBeCloseTo(expected, 7);
      expect((await ssim(r3, t, { dataRange: 1 })).perImage).toHaveLength(1);
      const batched = await ssim({ data: ref.data, shape: [1, H, W, 1] }, t4, { dataRange: 1 });
      expect(batched.mean).toBeCloseTo(expected, 7);
      // Integer typed arrays and int tensors are converted to float.
      const ri = { data: Int16Array.from(ref.data, (v) => Math.round(v * 1000)), shape: [H, W] };
      const asInt = await ssim(ri, ti, { dataRange: 1000 });
      expect(asInt.mean).toBeCloseTo(expected, 3);
    });
    // The caller's tensors survive the calls.
    expect(r.isDisposed).toBe(false);
    expect(t.isDisposed).toBe(false);
    expect(r.shape).toEqual([H, W]);
    expect(Array.from(r.dataSync().subarray(0, 3 * W))).toEqual(Array.from(ref.data.subarray(0, 3 * W)));
    expect(ti.dtype).toBe('int32');
    tf.dispose([r, t, r3, t4, ti]);
  });

  it('volumes: [D, H, W], [N, D, H, W] and [N, D, H, W, 1] agree', async () => {
    const vr = loadImage('3d', 'reference');
    const vt = loadImage('3d', 'blur');
    const single = await ssim(vr, vt, { dataRange: 1, spatialDims: 3 });
    const batched = await ssim(
      { data: vr.data, shape: [1, ...vr.shape, 1] },
      { data: vt.data, shape: [1, ...vt.shape, 1] },
      { dataRange: 1, spatialDims: 3 },
    );
    expect(batched.mean).toBeCloseTo(single.mean, 7);
    // Read as 2-D, the same array is a batch of slices scored one by one.
    const slices = await ssim(vr, vt, { dataRange: 1 });
    expect(slices.perImage).toHaveLength(vr.shape[0] as number);
    expect(slices.mean).not.toBeCloseTo(single.mean, 3);
  });

  it('a batch gives one value per image, equal to scoring each alone', async () => {
    const images = ['blur', 'noise', 'shift'] as const;
    const batch = await psnr(stack(images.map(() => ref)), stack(images.map((n) => loadImage('2d', n))), {
      dataRange: 1,
    });
    expect(batch.perImage).toHaveLength(3);
    for (const [i, n] of images.entries()) {
      const single = await psnr(ref, loadImage('2d', n), { dataRange: 1 });
      expect(batch.perImage[i]).toBeCloseTo(single.mean, 5);
    }
    expect(batch.mean).toBeCloseTo(batch.perImage.reduce((s, v) => s + v, 0) / 3, 10);
  });

  it('one mask broadcasts over the batch; per-image masks apply per image', async () => {
    const a = stack([ref, ref]);
    const b = stack([noisy, loadImage('2d', 'blur')]);
    const left = new Uint8Array(H * W).map((_, i) => (i % W < W / 2 ? 1 : 0));
    const right = left.map((v) => 1 - v);
    const shared = await mse(a, b, { mask: { data: left, shape: [H, W] } });
    const perImage = await mse(a, b, { mask: { data: Uint8Array.from([...left, ...right]), shape: [2, H, W] } });
    expect(perImage.perImage[0]).toBeCloseTo(shared.perImage[0] as number, 10);
    expect(perImage.perImage[1]).not.toBeCloseTo(shared.perImage[1] as number, 6);
    const boolMask = tf.tensor2d(Array.from(left, (v) => v === 1), [H, W], 'bool');
    const viaBool = await mse(a, b, { mask: boolMask });
    expect(viaBool.perImage[1]).toBeCloseTo(shared.perImage[1] as number, 10);
    boolMask.dispose();
  });

  it('identical images: SSIM and MS-SSIM 1, MSE/MAE/NMSE 0, PSNR Infinity', async () => {
    expect((await ssim(ref, ref, { dataRange: 1 })).mean).toBeCloseTo(1, 6);
    expect((await msSsim(ref, ref, { dataRange: 1 })).mean).toBeCloseTo(1, 6);
    expect((await mse(ref, ref)).mean).toBe(0);
    expect((await mae(ref, ref)).mean).toBe(0);
    expect((await nmse(ref, ref)).mean).toBe(0);
    expect((await psnr(ref, ref, { dataRange: 1 })).mean).toBe(Infinity);
  });

  it('MS-SSIM with a single weight of 1 is SSIM', async () => {
    const one = await msSsim(ref, noisy, { dataRange: 1, weights: [1] });
    expect(one.mean).toBeCloseTo((await ssim(ref, noisy, { dataRange: 1 })).mean, 6);
  });

  it('PSNR follows the declared data range: x255 intensities with dataRange 255 give the same dB', async () => {
    const scale = (im: typeof ref) => ({ data: im.data.map((v) => v * 255), shape: im.shape });
    const unit = await psnr(ref, noisy, { dataRange: 1 });
    const bytes = await psnr(scale(ref), scale(noisy), { dataRange: 255 });
    expect(bytes.mean).toBeCloseTo(unit.mean, 4);
    const s255 = await ssim(scale(ref), scale(noisy), { dataRange: 255 });
    expect(s255.mean).toBeCloseTo((await ssim(ref, noisy, { dataRange: 1 })).mean, 5);
  });
});

describe('bad input: typed errors, no leaked tensors', () => {
  beforeAll(() => useBackend('cpu'));

  const cases: Array<[string, () => Promise<unknown>, new (...a: never[]) => MetricsError, RegExp]> = [
    [
      'shape mismatch',
      () => psnr(ref, { data: new Float32Array(H * (W - 1)), shape: [H, W - 1] }, { dataRange: 1 }),
      ShapeMismatchError,
      /same shape/,
    ],
    ['batch size mismatch', () => mse(stack([ref, ref]), stack([ref, ref, ref])), ShapeMismatchError, /same shape/],
    ['data length vs shape', () => mse({ data: new Float32Array(10), shape: [3, 4] }, ref), InvalidShapeError, /needs 12/],
    ['bare typed array', () => mse(ref.data as never, ref), InvalidShapeError, /add its shape/],
    ['rank 5 with spatialDims 2', () => mse({ data: ref.data, shape: [1, 1, 1, H, W] }, ref), InvalidShapeError, /spatialDims: 3/],
    ['channels > 1', () => mse({ data: new Float32Array(12), shape: [1, 2, 2, 3] }, { data: new Float32Array(12), shape: [1, 2, 2, 3] }), InvalidShapeError, /channel/],
    ['NaN', () => ssim(ref, { data: noisy.data.map((v, i) => (i === 77 ? NaN : v)), shape: ref.shape }, { dataRange: 1 }), NonFiniteValueError, /test image 0/],
    ['Infinity in reference', () => mse({ data: ref.data.map((v, i) => (i === 5 ? Infinity : v)), shape: ref.shape }, ref), NonFiniteValueError, /reference/],
    ['data range: 8-bit test vs [0,1] reference', () => psnr(ref, { data: noisy.data.map((v) => v * 255), shape: ref.shape }, { dataRange: 1 }), DataRangeError, /dataRange 1/],
    ['data range: too small dataRange', () => ssim(ref, noisy, { dataRange: 0.5 }), DataRangeError, /spans/],
    ['missing dataRange', () => psnr(ref, noisy, {} as never), InvalidOptionError, /dataRange must be/],
    ['bad spatialDims', () => mse(ref, noisy, { spatialDims: 4 as never }), InvalidOptionError, /2 or 3/],
    ['bad normalization', () => nrmse(ref, noisy, { normalization: 'max' as never }), InvalidOptionError, /'euclidean', 'min-max', 'mean'/],
    ['empty mask', () => psnr(ref, noisy, { dataRange: 1, mask: { data: new Uint8Array(H * W), shape: [H, W] } }), EmptyMaskError, /selects no pixel/],
    ['non-binary mask', () => mse(ref, noisy, { mask: { data: ref.data, shape: ref.shape } }), InvalidMaskError, /other than 0 and 1/],
    ['mask of the wrong size', () => mse(ref, noisy, { mask: { data: new Uint8Array(4), shape: [2, 2] } }), ShapeMismatchError, /mask/],
    [
      'mask only in SSIM\'s unscored border',
      () => ssim(ref, noisy, { dataRange: 1, mask: { data: new Uint8Array(H * W).map((_, i) => (i < W ? 1 : 0)), shape: [H, W] } }),
      EmptyMaskError,
      /border/,
    ],
    ['SSIM on a 10-pixel image', () => ssim({ data: new Float32Array(100), shape: [10, 10] }, { data: new Float32Array(100), shape: [10, 10] }, { dataRange: 1 }), InvalidShapeError, /at least 11/],
    ['MS-SSIM five scales on 128 x 128', () => msSsim({ data: new Float32Array(128 * 128), shape: [128, 128] }, { data: new Float32Array(128 * 128), shape: [128, 128] }, { dataRange: 1 }), InvalidShapeError, /at least 176/],
    ['non-binary segmentation', () => dice({ data: Float32Array.of(0, 0.5, 1, 1), shape: [2, 2] }, { data: Float32Array.of(0, 1, 1, 1), shape: [2, 2] }), InvalidMaskError, /threshold/],
    ['both segmentations empty', () => dice({ data: new Uint8Array(4), shape: [2, 2] }, { data: new Uint8Array(4), shape: [2, 2] }), EmptyMaskError, /both masks are empty/],
    ['HD with one empty mask', () => hausdorffDistance({ data: Uint8Array.of(1, 0, 0, 0), shape: [2, 2] }, { data: new Uint8Array(4), shape: [2, 2] }), EmptyMaskError, /mask b is empty/],
    ['HD spacing of the wrong length', () => hausdorffDistance({ data: Uint8Array.of(1, 0, 0, 0), shape: [2, 2] }, { data: Uint8Array.of(1, 0, 0, 0), shape: [2, 2] }, { spacing: [1, 1, 1] }), InvalidOptionError, /spacing/],
    ['accutance without dataRange', () => accutance(ref, { dataRange: 0 }), InvalidOptionError, /dataRange/],
  ];

  for (const [name, call, ErrorClass, message] of cases) {
    it(name, async () => {
      await leavesNoTensors(async () => {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ErrorClass);
        expect(error).toBeInstanceOf(MetricsError);
        expect((error as Error).name).toBe(ErrorClass.name);
        expect((error as Error).message).toMatch(message);
      });
    });
  }

  it('rangeTolerance lets a test image overshoot; Infinity switches the check off', async () => {
    // Span exactly 1.3 for dataRange 1: beyond the default 10 % tolerance.
    const lo = Math.min(...noisy.data);
    const hi = Math.max(...noisy.data);
    const over = { data: noisy.data.map((v) => ((v - lo) / (hi - lo)) * 1.3), shape: ref.shape };
    await expect(psnr(ref, over, { dataRange: 1 })).rejects.toBeInstanceOf(DataRangeError);
    await expect(psnr(ref, over, { dataRange: 1, rangeTolerance: 0.5 })).resolves.toHaveProperty('mean');
    await expect(psnr(ref, over, { dataRange: 1, rangeTolerance: Infinity })).resolves.toHaveProperty('mean');
  });
});

describe('error codes', () => {
  it('every error carries a code named after its class, as the other packages errors do', () => {
    expect(new InvalidShapeError('x').code).toBe('INVALID_SHAPE');
    expect(new NonFiniteValueError('x').code).toBe('NON_FINITE_VALUE');
    expect(new MetricsError('x').code).toBe('METRICS');
  });
});
