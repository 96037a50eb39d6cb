import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backend';
import { golden, loadImage, loadInpaintMask, PAIRS, stack, type ImageName } from '../testing/fixtures';
import { DeviationLog } from '../testing/tolerance';
import { accutance, accutanceRatio } from './accutance';

// Reference: scipy.ndimage.sobel (mode 'reflect') in fixtures/make_golden.py.
const IMAGES: readonly ImageName[] = ['reference', ...PAIRS];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`accutance vs SciPy Sobel (${backend})`, () => {
    const log = new DeviationLog(`accutance ${backend}`);
    beforeAll(() => useBackend(backend));
    afterAll(() => log.print());

    for (const dims of ['2d', '3d'] as const) {
      const spatialDims = dims === '2d' ? 2 : 3;
      for (const region of ['full', 'masked'] as const) {
        it(`${dims} ${region}`, async () => {
          const before = tf.memory().numTensors;
          const mask = region === 'masked' ? { mask: loadInpaintMask(dims) } : {};
          const images = IMAGES.map((name) => loadImage(dims, name));
          const result = await accutance(stack(images), { dataRange: golden.dataRange, spatialDims, ...mask });
          IMAGES.forEach((name, i) =>
            log.check('accutance', result.perImage[i] as number, golden[dims].accutance[name][region]),
          );
          const ref = loadImage(dims, 'reference');
          const ratio = await accutanceRatio(
            stack(PAIRS.map(() => ref)),
            stack(PAIRS.map((p) => loadImage(dims, p))),
            { spatialDims, ...mask },
          );
          PAIRS.forEach((p, i) =>
            log.check(
              'ratio',
              ratio.perImage[i] as number,
              golden[dims].accutance[p][region] / golden[dims].accutance.reference[region],
            ),
          );
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it('orders the degradations as expected: blur < reference < noise', async () => {
      const [blur, reference, noise] = await Promise.all(
        (['blur', 'reference', 'noise'] as const).map(async (n) => (await accutance(loadImage('2d', n), { dataRange: 1 })).mean),
      );
      expect(blur).toBeLessThan(reference as number);
      expect(reference).toBeLessThan(noise as number);
    });
  });
}
