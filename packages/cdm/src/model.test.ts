import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, memoryWeightsStore, selectBackend, WeightsError } from '@meddiff/diffusion-core';
import { cdmConfig, validateCdmConfig } from './config';
import { UnsupportedModalityError } from './errors';
import { resolveRequest } from './modalities';
import { CdmModel, CDM_INDEX_FILE } from './model';
import { randomizeWeights, testConfig, testModelCard } from './testing';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

const card = testModelCard('test');

describe('config', () => {
  it('builds the presets, including the paper\'s BraTS setting', () => {
    const brats = cdmConfig({ modalities: 'brats', size: 'paper' });
    expect(brats.modalities).toEqual({ sources: ['T1', 'T2'], targets: ['T1ce', 'FLAIR'] });
    expect(brats.mrm.unet.baseChannels * 3).toBe(192);
    expect(brats.cunet.unet).toMatchObject({ inChannels: 2, outChannels: 2, conditionDim: 384, timeEmbedding: false, embeddingInjection: 'add' });
    expect(brats.mdn.noiseSchedule).toMatchObject({ betaSchedule: 'scaled-linear', numTrainTimesteps: 1000, betaStart: 0.0015, betaEnd: 0.0195 });
    expect(brats.mrm.maskRatio).toBe(0.75);
    const own = cdmConfig({ modalities: { sources: ['T2'], targets: ['PD', 'T1'] }, size: 'tiny', overrides: { imageSize: 64 } });
    expect(own.cunet.unet.conditionDim).toBe(64);
    expect(own.imageSize).toBe(64);
  });

  it('refuses inconsistent configs, one rule per message', () => {
    const c = cdmConfig({ size: 'tiny' });
    expect(() => cdmConfig({ modalities: { sources: ['T1'], targets: ['T1'] } })).toThrow(/both a source and a target/);
    expect(() => cdmConfig({ modalities: { sources: [], targets: ['T2'] } })).toThrow(/at least one/);
    expect(() => cdmConfig({ size: 'huge' as 'tiny' })).toThrow(/Allowed: paper, small, tiny/);
    expect(() => validateCdmConfig({ ...c, imageSize: 30 })).toThrow(/multiple of 4/);
    expect(() => validateCdmConfig({ ...c, mrm: { ...c.mrm, maskRatio: 1 } })).toThrow(ConfigError);
    expect(() => validateCdmConfig({ ...c, mdn: { ...c.mdn, conditioning: 'text' as 'none' } })).toThrow(/Allowed: source, none/);
    expect(() => validateCdmConfig({ ...c, cunet: { unet: { ...c.cunet.unet, conditionDim: 10 } } })).toThrow(/conditionDim is 10/);
    expect(() => validateCdmConfig({ ...c, cunet: { unet: { ...c.cunet.unet, embeddingInjection: 'scale-shift' } } })).toThrow(/must be 'add'/);
    expect(() => validateCdmConfig({ ...c, loss: 'huber' as 'l1' })).toThrow(/Allowed: mse, l1/);
  });

  it('states what a model translates and refuses anything else', () => {
    const s = { sources: ['T1', 'T2'], targets: ['T1ce', 'FLAIR'] };
    expect(resolveRequest(s, ['t2', 'T1'], ['flair'])).toEqual({ sourceOrder: [1, 0], targetIndices: [1] });
    expect(() => resolveRequest(s, ['T1'], ['FLAIR'])).toThrow(/missing source T2.*translates T1 \+ T2 to T1ce, FLAIR/);
    expect(() => resolveRequest(s, ['T1', 'T2', 'PD'], ['FLAIR'])).toThrow(/unexpected source PD/);
    expect(() => resolveRequest(s, ['T1', 'T2'], ['PD'])).toThrow(UnsupportedModalityError);
    expect(() => resolveRequest(s, ['T1', 'T2'], ['PD'])).toThrow(/Cannot translate to 'PD'/);
  });
});

describe('CdmModel save and load', () => {
  it('round-trips all three networks through a store, and the loaded model translates identically', async () => {
    const model = CdmModel.create(testConfig());
    for (const part of ['mrm', 'mdn', 'cunet'] as const) randomizeWeights(model.network(part), part.length);
    const store = memoryWeightsStore();
    await model.save(store, { card });
    expect([...store.files.keys()].sort()).toEqual(expect.arrayContaining([CDM_INDEX_FILE, 'mrm/model.json', 'mdn/model.json', 'cunet/model.json']));
    const loaded = await CdmModel.load(store);
    expect(loaded.card).toEqual(card);
    expect(loaded.config).toEqual(model.config);
    const x = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    const a = model.mrm.encode(x);
    const b = loaded.mrm.encode(x);
    expect((await tf.max(tf.abs(tf.sub(a, b))).data())[0]).toBe(0);
    const za = await model.mdn.sample({ batch: 2, condition: a, steps: 3, seed: 2 });
    const zb = await loaded.mdn.sample({ batch: 2, condition: b, steps: 3, seed: 2 });
    expect((await tf.max(tf.abs(tf.sub(za, zb))).data())[0]).toBe(0);
    tf.dispose([x, a, b, za, zb]);
    // Nothing the user had is overwritten by accident.
    await expect(model.save(store, { card })).rejects.toThrow(/already holds a CDM model/);
    model.dispose();
    loaded.dispose();
  });

  it('refuses a part trained with another config, a missing part, and corrupt files', async () => {
    const a = CdmModel.create(testConfig());
    const store = memoryWeightsStore();
    await a.savePart(store, 'mrm');
    await expect(CdmModel.writeIndex(store, a.config as never, card)).rejects.toThrow(/lacks the mdn part/);
    const other = CdmModel.create(testConfig({ sources: ['T1'], targets: ['PD'] }));
    await expect(other.loadPart(store, 'mrm')).rejects.toThrow(/trained with another CDM config/);
    await a.save(memoryWeightsStore(), { card });
    const full = memoryWeightsStore();
    await a.save(full, { card });
    const shard = [...full.files.keys()].find((k) => k.startsWith('cunet/weights'))!;
    full.files.get(shard)![10]! ^= 0xff;
    await expect(CdmModel.load(full)).rejects.toThrow(WeightsError);
    await expect(CdmModel.load(memoryWeightsStore())).rejects.toThrow(/cdm.json/);
    a.dispose();
    other.dispose();
  });
});
