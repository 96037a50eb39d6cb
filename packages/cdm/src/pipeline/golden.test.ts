import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@meddiff/diffusion-core';
import { CdmModel } from '../model';
import { randomizeWeights, testConfig } from '../testing';
import { CdmPipeline } from './cdmPipeline';

/**
 * Pinned outputs: a test-size CDM with seeded weights, fixed sources and seed, on cpu and wasm. A
 * refactor that changes what the pipeline computes (normalisation, resizing to the model grid, the
 * MRM vectors, the MDN's draws, the C-UNet) changes these numbers. To re-pin after an intended
 * change, run with PRINT_GOLDEN=1 and say in the commit why the results moved.
 */
const source = (phase: number) => ({ data: Float32Array.from({ length: 40 * 36 }, (_, i) => 300 + 200 * Math.sin(i / 7 + phase) + (i % 36) * 4), shape: [40, 36] as const });

function summary(data: Float32Array): number[] {
  let sum = 0;
  let sq = 0;
  for (const v of data) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / data.length;
  return [mean, Math.sqrt(sq / data.length - mean * mean), data[0]!, data[Math.floor(data.length / 3)]!, data[data.length - 1]!];
}

const PINNED: Record<'FLAIR' | 'PD', number[]> = {
  FLAIR: [344.8502, 6.6021, 346.8197, 343.7778, 335.4095],
  PD: [387.0403, 8.6522, 373.8029, 381.7561, 381.7184],
};

const previous = tf.getBackend();
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

describe.each(['cpu', 'wasm'] as const)('pinned translation on %s', (backend) => {
  it('T1 + T2 to FLAIR and PD, two MDN draws', async () => {
    await selectBackend({ preferred: [backend] });
    const model = CdmModel.create(testConfig({ sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] }));
    for (const part of ['mrm', 'mdn', 'cunet'] as const) randomizeWeights(model.network(part), part.length + 1);
    const pipeline = new CdmPipeline(model);
    try {
      const r = await pipeline.translate({ T1: source(0), T2: source(1) }, ['FLAIR', 'PD'], { ddimSteps: 4, seed: 7, samples: 2 });
      const got = { FLAIR: summary(r.images['FLAIR']!.data), PD: summary(r.images['PD']!.data) };
      if (process.env['PRINT_GOLDEN']) console.log(backend, JSON.stringify(got));
      for (const target of ['FLAIR', 'PD'] as const) got[target].forEach((v, i) => expect(v, `${target} summary[${i}]`).toBeCloseTo(PINNED[target][i]!, 2));
    } finally {
      pipeline.dispose();
    }
  });
});
