import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/backends';
import { processX0 } from './x0Processing';

beforeAll(() => useBackend('cpu'));

describe('processX0', () => {
  it('clips to the data range', async () => {
    const x = tf.tensor([[-3, -0.5, 0.5, 3]]);
    expect(Array.from(await processX0(x, { kind: 'clip', min: -1, max: 1 }).data())).toEqual([-1, -0.5, 0.5, 1]);
  });

  it('thresholds dynamically per sample (Saharia et al. 2022)', async () => {
    // Sample 0: |x| percentile 0.75 of [0.5, 1, 2, 4] is 2 -> clip to [-2, 2] and divide by 2.
    // Sample 1: all |x| <= 1 -> s = 1, unchanged.
    const x = tf.tensor([[0.5, -1, 2, 4], [0.1, -0.2, 0.3, 0.4]]);
    const y = await processX0(x, { kind: 'dynamic', percentile: 0.75, maxThreshold: 10 }).data();
    expect(Array.from(y).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.25, -0.5, 1, 1, 0.1, -0.2, 0.3, 0.4]);
  });
});
