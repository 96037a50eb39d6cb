import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/backends';
import { perturbWeights } from '../testing/perturbWeights';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { DdpmScheduler } from './ddpm';
import { sample } from './sample';

// A seeded DDPM run through a seeded tiny U-Net on a 4 x 4 image. Pinned so that a change to the
// schedule, the sampler, the noise streams or the network shows up as a diff on every backend.
const PINNED = [1.45246, 2.588659, -1.76912, 0.391529];

async function goldenRun(): Promise<Float32Array> {
  const unet = UNet.create({ ...unetPreset('tiny'), inChannels: 1, outChannels: 1 });
  perturbWeights(unet.model, 12, 0.03);
  const x = await sample({
    scheduler: new DdpmScheduler(new NoiseSchedule({ numTrainTimesteps: 100 }), { x0Processing: { kind: 'none' } }),
    denoiser: (s, t) => unet.apply({ x: s as tf.Tensor4D, timesteps: t }),
    shape: [1, 4, 4, 1],
    numInferenceSteps: 5,
    seed: 2024,
  });
  const out = (await x.data()) as Float32Array;
  x.dispose();
  unet.dispose();
  return out;
}

describe('golden DDPM run', () => {
  it.each(['cpu', 'wasm'] as const)('reproduces the pinned values on %s', async (backend) => {
    await useBackend(backend);
    const out = await goldenRun();
    Array.from(out.slice(0, 4)).forEach((v, i) => expect(v).toBeCloseTo(PINNED[i]!, 4));
  });
});
