import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backend';
import { golden, loadImage, loadInpaintMask, PAIRS, stack } from '../testing/fixtures';
import { DeviationLog } from '../testing/tolerance';
import { mae } from './mae';
import { mse } from './mse';
import { nmse } from './nmse';
import { nrmse } from './nrmse';
import { psnr } from './psnr';

// Reference values: scikit-image 0.19 / NumPy on the same float32 arrays (fixtures/make_golden.py).
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`pixel metrics vs scikit-image (${backend})`, () => {
    const log = new DeviationLog(`pixel metrics ${backend}`);
    beforeAll(() => useBackend(backend));
    afterAll(() => log.print());

    for (const dims of ['2d', '3d'] as const) {
      const spatialDims = dims === '2d' ? 2 : 3;
      for (const region of ['full', 'masked'] as const) {
        it(`${dims} ${region}: every degraded image, batched, per image`, async () => {
          const before = tf.memory().numTensors;
          const reference = loadImage(dims, 'reference');
          // One call scores all three pairs: the batch [ref, ref, ref] vs [blur, noise, shift].
          const refs = stack(PAIRS.map(() => reference));
          const tests = stack(PAIRS.map((p) => loadImage(dims, p)));
          const opts = { spatialDims, ...(region === 'masked' ? { mask: loadInpaintMask(dims) } : {}) } as const;
          const results = {
            mse: await mse(refs, tests, opts),
            mae: await mae(refs, tests, opts),
            psnr: await psnr(refs, tests, { ...opts, dataRange: golden.dataRange }),
            nmse: await nmse(refs, tests, opts),
            nrmse_euclidean: await nrmse(refs, tests, opts),
            nrmse_minmax: await nrmse(refs, tests, { ...opts, normalization: 'min-max' }),
            nrmse_mean: await nrmse(refs, tests, { ...opts, normalization: 'mean' }),
          };
          for (const [metric, result] of Object.entries(results)) {
            expect(result.perImage).toHaveLength(PAIRS.length);
            PAIRS.forEach((pair, i) => {
              const want = golden[dims].pairs[pair][region][metric as keyof typeof results];
              log.check(metric, result.perImage[i] as number, want);
            });
            const wantMean =
              PAIRS.reduce((s, p) => s + golden[dims].pairs[p][region][metric as keyof typeof results], 0) / PAIRS.length;
            log.check(`${metric} mean`, result.mean, wantMean);
          }
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }
  });
}
