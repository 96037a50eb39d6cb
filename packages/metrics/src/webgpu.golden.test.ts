import * as tf from '@tensorflow/tfjs-core';
import { installNodeWebGPU } from '@meddiff/diffusion-core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accutance, dice, mse, msSsim, psnr, ssim } from './index';
import { golden, loadImage, loadInpaintMask, PAIRS, segmentation, stack } from './testing/fixtures';
import { DeviationLog } from './testing/tolerance';

// The golden values again, on the WebGPU backend (in Node through Dawn; on SwiftShader
// when the machine has no GPU, so only the 2-D fixtures). WebGPU computes in float32 with
// its own kernels and reduction order: this is where a backend-specific precision problem would show.
describe('golden values on WebGPU', () => {
  const log = new DeviationLog('webgpu');
  beforeAll(async () => {
    await installNodeWebGPU(); // throws, saying what to install, where there is no adapter
    await import('@tensorflow/tfjs-backend-webgpu');
    expect(await tf.setBackend('webgpu')).toBe(true);
    await tf.ready();
  });
  afterAll(async () => {
    log.print();
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  });

  it('SSIM, MS-SSIM, PSNR, MSE, accutance and Dice on the 2-D pairs, whole and masked', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const before = tf.memory().numTensors;
    const ref = loadImage('2d', 'reference');
    const refs = stack(PAIRS.map(() => ref));
    const tests = stack(PAIRS.map((p) => loadImage('2d', p)));
    const mask = loadInpaintMask('2d');
    for (const region of ['full', 'masked'] as const) {
      const opts = { dataRange: golden.dataRange, ...(region === 'masked' ? { mask } : {}) };
      const results = {
        ssim: await ssim(refs, tests, opts),
        ms_ssim: await msSsim(refs, tests, opts),
        psnr: await psnr(refs, tests, opts),
        mse: await mse(refs, tests, opts),
      } as const;
      for (const [metric, result] of Object.entries(results)) {
        PAIRS.forEach((p, i) =>
          log.check(metric, result.perImage[i] as number, golden['2d'].pairs[p][region][metric as keyof typeof results] as number),
        );
      }
      const acc = await accutance(tests, opts);
      PAIRS.forEach((p, i) => log.check('accutance', acc.perImage[i] as number, golden['2d'].accutance[p][region]));
    }
    const segRef = segmentation(ref);
    for (const p of PAIRS) {
      const d = await dice(segRef, segmentation(loadImage('2d', p)));
      log.check('dice', d.mean, golden['2d'].pairs[p].segmentation.dice);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
