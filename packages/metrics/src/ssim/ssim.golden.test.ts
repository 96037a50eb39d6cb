import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backend';
import { golden, loadImage, loadInpaintMask, PAIRS, repeat2, stack } from '../testing/fixtures';
import { DeviationLog } from '../testing/tolerance';
import { msSsim } from './msSsim';
import { ssim } from './ssim';

// SSIM reference: skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=1); MS-SSIM reference: NumPy in fixtures/make_golden.py.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`SSIM and MS-SSIM vs references (${backend})`, () => {
    const log = new DeviationLog(`ssim ${backend}`);
    beforeAll(() => useBackend(backend));
    afterAll(() => log.print());
    const dataRange = golden.dataRange;

    for (const dims of ['2d', '3d'] as const) {
      const spatialDims = dims === '2d' ? 2 : 3;
      for (const region of ['full', 'masked'] as const) {
        it(`SSIM ${dims} ${region}`, async () => {
          const before = tf.memory().numTensors;
          const reference = loadImage(dims, 'reference');
          const mask = region === 'masked' ? { mask: loadInpaintMask(dims) } : {};
          const result = await ssim(
            stack(PAIRS.map(() => reference)),
            stack(PAIRS.map((p) => loadImage(dims, p))),
            { dataRange, spatialDims, ...mask },
          );
          PAIRS.forEach((p, i) => log.check(`ssim ${dims}`, result.perImage[i] as number, golden[dims].pairs[p][region].ssim));
          // Single (unbatched) images give the same numbers.
          for (const p of PAIRS) {
            const single = await ssim(reference, loadImage(dims, p), { dataRange, spatialDims, ...mask });
            expect(single.perImage).toHaveLength(1);
            log.check(`ssim ${dims}`, single.mean, golden[dims].pairs[p][region].ssim);
          }
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    for (const region of ['full', 'masked'] as const) {
      it(`MS-SSIM 2d ${region}, five scales`, async () => {
        const before = tf.memory().numTensors;
        const reference = loadImage('2d', 'reference');
        const mask = region === 'masked' ? { mask: loadInpaintMask('2d') } : {};
        const result = await msSsim(
          stack(PAIRS.map(() => reference)),
          stack(PAIRS.map((p) => loadImage('2d', p))),
          { dataRange, ...mask },
        );
        PAIRS.forEach((p, i) =>
          log.check('ms-ssim 2d', result.perImage[i] as number, golden['2d'].pairs[p][region].ms_ssim as number),
        );
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('MS-SSIM 3d, two scales on 24 x 80 x 80 volumes', async () => {
      const up = golden['3d'].msSsimUpsampled;
      if (!up) throw new Error('golden.json lacks 3d.msSsimUpsampled');
      const reference = repeat2(loadImage('3d', 'reference'));
      for (const p of PAIRS) {
        const result = await msSsim(reference, repeat2(loadImage('3d', p)), {
          dataRange,
          spatialDims: 3,
          weights: up.weights,
        });
        log.check('ms-ssim 3d', result.mean, up.values[p]);
      }
    });
  });
}
