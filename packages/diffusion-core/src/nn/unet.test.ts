import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { perturbWeights } from '../testing/perturbWeights';
import { ConfigError, ShapeError } from '../errors';
import { UNet } from './unet';
import { resolveUNetConfig } from './unetConfig';
import { unetPreset } from './unetPresets';

beforeAll(() => useBackend('cpu'));

const tiny = { ...unetPreset('tiny'), inChannels: 2, outChannels: 1 };

describe('UNet', () => {
  it('maps (B, H, W, in) to (B, H, W, out) for any multiple of 2^(levels-1) and leaks nothing', () => {
    const unet = UNet.create(tiny);
    const before = tf.memory().numTensors;
    for (const [h, w] of [[8, 8], [16, 24]] as const) {
      const x = tf.randomNormal([3, h, w, 2]) as tf.Tensor4D;
      const y = unet.apply({ x, timesteps: 10 });
      expect(y.shape).toEqual([3, h, w, 1]);
      tf.dispose([x, y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    unet.dispose();
  });

  it('depends on the timestep and on the condition vector', async () => {
    const unet = UNet.create({ ...tiny, conditionDim: 6 });
    perturbWeights(unet.model, 1);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const c1 = tf.randomNormal([2, 6], 0, 1, 'float32', 4) as tf.Tensor2D;
    const c2 = tf.randomNormal([2, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
    const a = unet.apply({ x, timesteps: 10, condition: c1 });
    const b = unet.apply({ x, timesteps: 500, condition: c1 });
    const c = unet.apply({ x, timesteps: tf.tensor1d([10, 10]), condition: c2 });
    const a2 = unet.apply({ x, timesteps: tf.tensor1d([10, 10]), condition: c1 });
    expect(await maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    expect(await maxAbsDiff(a, c)).toBeGreaterThan(1e-3);
    expect(await maxAbsDiff(a, a2)).toBeLessThan(1e-5);
    tf.dispose([x, c1, c2, a, b, c, a2]);
    unet.dispose();
  });

  it('builds without a time input (CDM MRM / C-UNet style) and refuses a timestep then', () => {
    const unet = UNet.create({ ...tiny, timeEmbedding: false, conditionDim: 4, embeddingInjection: 'add' });
    const x = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
    const cond = tf.zeros([1, 4]) as tf.Tensor2D;
    expect(unet.model.inputs.map((i) => i.shape)).toEqual([[null, null, null, 2], [null, 4]]);
    expect(() => unet.apply({ x, timesteps: 1, condition: cond })).toThrow(/no time input/);
    const y = unet.apply({ x, condition: cond });
    expect(y.shape).toEqual([1, 8, 8, 1]);
    tf.dispose([x, cond, y]);
    unet.dispose();
  });

  it('says what is wrong with an input', () => {
    const unet = UNet.create(tiny);
    const odd = tf.zeros([1, 9, 10, 2]) as tf.Tensor4D;
    const wrongChannels = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    const ok = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
    expect(() => unet.apply({ x: odd, timesteps: 1 })).toThrow(/multiples of 2 .* got 9 x 10; pad/);
    expect(() => unet.apply({ x: wrongChannels, timesteps: 1 })).toThrow(/expected 2 input channels, got 3/);
    expect(() => unet.apply({ x: ok })).toThrow(ShapeError);
    expect(() => unet.apply({ x: ok, timesteps: tf.tensor1d([1, 2]) })).toThrow(/timesteps of shape \[1\]/);
    expect(() => unet.apply({ x: ok, timesteps: 1, condition: tf.zeros([1, 3]) as tf.Tensor2D })).toThrow(/no condition vector/);
    tf.dispose([odd, wrongChannels, ok]);
    unet.dispose();
  });

  it('loads through the standard tfjs Layers format (topology and weights)', async () => {
    const unet = UNet.create({ ...tiny, conditionDim: 3 });
    perturbWeights(unet.model, 2);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await unet.model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 9);
    const t = tf.fill([1, 1], 42);
    const cond = tf.ones([1, 3]);
    const expected = unet.model.predict([x, t, cond]) as tf.Tensor;
    const got = loaded.predict([x, t, cond]) as tf.Tensor;
    expect(await maxAbsDiff(expected, got)).toBe(0);
    tf.dispose([x, t, cond, expected, got]);
    loaded.dispose();
    unet.dispose();
  });

  it('has the expected size at the paper preset', () => {
    const unet = UNet.create({ ...unetPreset('paper128'), inChannels: 2, outChannels: 1 });
    // 4 levels (128 -> 16), 64 to 512 channels: tens of millions of parameters, like SR3 at 128.
    expect(unet.countParams()).toBeGreaterThan(30e6);
    expect(unet.countParams()).toBeLessThan(80e6);
    expect(unet.sizeMultiple).toBe(8);
    unet.dispose();
  });
});

describe('UNetConfig validation', () => {
  const rules: Array<[string, Record<string, unknown>, RegExp]> = [
    ['version', { version: 2 }, /version 2 is not supported/],
    ['inChannels', { inChannels: 0 }, /inChannels must be a positive integer/],
    ['levels', { channelMultipliers: [] }, /at least one level/],
    ['numResBlocks per level', { numResBlocks: [1] }, /numResBlocks has 1 entries but channelMultipliers has 4/],
    ['attentionLevels per level', { attentionLevels: [true] }, /attentionLevels has 1 entries/],
    ['dropout', { dropout: 1 }, /dropout must be in \[0, 1\)/],
    ['conditionDim', { conditionDim: -1 }, /conditionDim must be an integer >= 0/],
    ['embeddingInjection', { embeddingInjection: 'film' }, /Allowed: add, scale-shift/],
    ['groups', { groups: 5 }, /groups = 5 does not divide/],
    ['numHeads', { numHeads: 3, groups: 32 }, /numHeads = 3 does not divide/],
  ];
  it.each(rules)('checks %s', (_rule, override, message) => {
    expect(() => resolveUNetConfig(override as never)).toThrow(ConfigError);
    expect(() => resolveUNetConfig(override as never)).toThrow(message);
  });
});
