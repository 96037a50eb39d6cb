import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backend';
import { golden, loadImage, PAIRS, segmentation } from '../testing/fixtures';
import { DeviationLog } from '../testing/tolerance';
import { hausdorffDistance } from './hausdorffDistance';
import { dice, iou } from './overlap';

// Reference: NumPy (Dice, IoU) and scipy.ndimage binary_erosion + distance_transform_edt +
// numpy.percentile (HD95, HD) in fixtures/make_golden.py, on image > 0.38 segmentations.
function batchOf(masks: ReadonlyArray<{ data: Uint8Array; shape: number[] }>): { data: Uint8Array; shape: number[] } {
  const first = masks[0] as { data: Uint8Array; shape: number[] };
  const data = new Uint8Array(first.data.length * masks.length);
  masks.forEach((m, i) => data.set(m.data, i * first.data.length));
  return { data, shape: [masks.length, ...first.shape] };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`Dice, IoU, HD95 vs NumPy/SciPy (${backend})`, () => {
    const log = new DeviationLog(`segmentation ${backend}`);
    beforeAll(() => useBackend(backend));
    afterAll(() => log.print());

    for (const dims of ['2d', '3d'] as const) {
      const spatialDims = dims === '2d' ? 2 : 3;
      it(`${dims}: per image over the three degraded segmentations`, async () => {
        const before = tf.memory().numTensors;
        const ref = segmentation(loadImage(dims, 'reference'));
        const a = batchOf(PAIRS.map(() => ref));
        const b = batchOf(PAIRS.map((p) => segmentation(loadImage(dims, p))));
        const d = await dice(a, b, { spatialDims });
        const j = await iou(a, b, { spatialDims });
        const want = (p: (typeof PAIRS)[number]) => golden[dims].pairs[p].segmentation;
        PAIRS.forEach((p, i) => {
          log.check('dice', d.perImage[i] as number, want(p).dice);
          log.check('iou', j.perImage[i] as number, want(p).iou);
        });
        for (const spacingName of ['iso', 'aniso'] as const) {
          const spacing = golden[dims].spacings[spacingName];
          const hd95 = await hausdorffDistance(a, b, { spatialDims, spacing });
          const hd100 = await hausdorffDistance(a, b, { spatialDims, spacing, percentile: 100 });
          PAIRS.forEach((p, i) => {
            log.check(`hd95 ${spacingName}`, hd95.perImage[i] as number, want(p)[`hd95_${spacingName}`]);
            log.check(`hd100 ${spacingName}`, hd100.perImage[i] as number, want(p)[`hd100_${spacingName}`]);
          });
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}
