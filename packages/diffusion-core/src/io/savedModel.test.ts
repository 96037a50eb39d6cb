import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { perturbWeights } from '../testing/perturbWeights';
import { WeightsError } from '../errors';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { fileWeightsStore } from './fileWeightsStore';
import { float32ToFloat16Bits } from './float16';
import { httpWeightsStore } from './httpWeightsStore';
import { MODEL_JSON, readSavedModel } from './savedModel';
import { newModelCard } from './modelCard';
import { loadUNet, saveUNet } from './unetWeights';
import { memoryWeightsStore } from './weightsStore';

beforeAll(() => useBackend('cpu'));

const TEST_INPUT = { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: null, intensity: 'none: random weights', channels: ['image'] };

const config = { ...unetPreset('tiny'), inChannels: 2, outChannels: 1 };

function makeUNet(seed: number): UNet {
  const unet = UNet.create(config);
  perturbWeights(unet.model, seed);
  return unet;
}

async function outputOf(unet: UNet): Promise<tf.Tensor> {
  const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
  const y = unet.apply({ x, timesteps: 7 });
  x.dispose();
  return y;
}

async function expectWeightsError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(WeightsError);
  expect((e as WeightsError).code).toBe(code);
  expect((e as Error).message).toMatch(message);
}

describe('saveModel / readSavedModel', () => {
  it('round-trips float32 weights exactly, with config and card', async () => {
    const unet = makeUNet(1);
    const store = memoryWeightsStore();
    const card = newModelCard({ name: 'random-unet', intendedUse: 'tests', input: TEST_INPUT, trainedOn: 'nothing: random weights', trainingSteps: 0 }, 'Random weights.');
    await saveUNet(unet, store, { card });
    const before = tf.memory().numTensors;
    const { unet: loaded, metadata } = await loadUNet(store);
    expect(metadata.config).toEqual(unet.config);
    expect(metadata.card).toEqual(card);
    expect(tf.memory().numTensors - before).toBe(loaded.model.weights.length);
    const [a, b] = [await outputOf(unet), await outputOf(loaded)];
    expect(await maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    unet.dispose();
    loaded.dispose();
  });

  it('stores float16 at half the size and loads within half-precision error', async () => {
    const unet = makeUNet(2);
    const full = memoryWeightsStore();
    const half = memoryWeightsStore();
    await saveUNet(unet, full);
    await saveUNet(unet, half, { storageDtype: 'float16' });
    const size = (s: typeof full) => [...s.files].filter(([k]) => k.endsWith('.bin')).reduce((n, [, v]) => n + v.byteLength, 0);
    expect(size(half) * 2).toBe(size(full));
    const { unet: loaded } = await loadUNet(half);
    const original = unet.model.getWeights();
    const restored = loaded.model.getWeights();
    for (let i = 0; i < original.length; i++) {
      const [o, r] = [await original[i]!.data(), await restored[i]!.data()];
      for (let k = 0; k < o.length; k++) expect(Math.abs(o[k]! - r[k]!)).toBeLessThanOrEqual(Math.abs(o[k]!) * 2 ** -11 + 6e-8);
    }
    unet.dispose();
    loaded.dispose();
  });

  it('refuses to overwrite a saved model unless asked', async () => {
    const unet = makeUNet(3);
    const store = memoryWeightsStore();
    await saveUNet(unet, store);
    await expect(saveUNet(unet, store)).rejects.toThrow(/already holds a model; pass overwrite: true/);
    await saveUNet(unet, store, { overwrite: true });
    unet.dispose();
  });

  it('detects a corrupted, truncated or missing shard and names it', async () => {
    const unet = makeUNet(4);
    const store = memoryWeightsStore();
    await saveUNet(unet, store);
    unet.dispose();
    const shard = [...store.files.keys()].find((k) => k.endsWith('.bin'))!;
    const good = store.files.get(shard)!;
    const before = tf.memory().numTensors;

    const flipped = good.slice();
    flipped[100] = flipped[100]! ^ 0xff;
    store.files.set(shard, flipped);
    await expectWeightsError(loadUNet(store), 'WEIGHTS_CORRUPT', new RegExp(`${shard.replace(/\./g, '\\.')} fails its integrity check`));

    store.files.set(shard, good.slice(0, good.byteLength - 4));
    await expectWeightsError(loadUNet(store), 'WEIGHTS_CORRUPT', /truncated/);

    store.files.delete(shard);
    await expectWeightsError(loadUNet(store), 'WEIGHTS_NOT_FOUND', new RegExp(shard.replace(/\./g, '\\.')));

    store.files.set(MODEL_JSON, new TextEncoder().encode('{"modelTop'));
    await expectWeightsError(loadUNet(store), 'WEIGHTS_CORRUPT', /not valid JSON/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses another model class, another format version, or weights of another architecture', async () => {
    const unet = makeUNet(5);
    const store = memoryWeightsStore();
    await saveUNet(unet, store);
    unet.dispose();
    const json = JSON.parse(new TextDecoder().decode(store.files.get(MODEL_JSON)!));
    const rewrite = (edit: (j: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      store.files.set(MODEL_JSON, new TextEncoder().encode(JSON.stringify(copy)));
    };
    await expectWeightsError(readSavedModel(store, 'MedCDiff'), 'WEIGHTS_MISMATCH', /holds a 'UNet' model, not a 'MedCDiff'/);
    rewrite((j) => (j.userDefinedMetadata.meddiff.formatVersion = 99));
    await expectWeightsError(loadUNet(store), 'WEIGHTS_MISMATCH', /weights format 99/);
    const before = tf.memory().numTensors;
    rewrite((j) => (j.userDefinedMetadata.meddiff.config.baseChannels = 16));
    await expectWeightsError(loadUNet(store), 'WEIGHTS_MISMATCH', /has shape .* the model expects/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('weights stores', () => {
  it('writes files atomically in a folder and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meddiff-weights-'));
    const unet = makeUNet(6);
    await saveUNet(unet, fileWeightsStore(dir));
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['model.json', 'weights.1-of-1.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.1-of-1.bin']);
    const { unet: loaded } = await loadUNet(fileWeightsStore(dir));
    const [a, b] = [await outputOf(unet), await outputOf(loaded)];
    expect(await maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    unet.dispose();
    loaded.dispose();
    await expectWeightsError(loadUNet(fileWeightsStore(join(dir, 'nope'))), 'WEIGHTS_NOT_FOUND', /Missing weights file/);
  });

  describe('over HTTP (loopback server)', () => {
    let server: Server;
    let base = '';
    const files = memoryWeightsStore();
    beforeAll(async () => {
      const unet = makeUNet(7);
      await saveUNet(unet, files);
      unet.dispose();
      server = createServer((req, res) => {
        const data = files.files.get((req.url ?? '').replace(/^\/models\//, ''));
        res.writeHead(data ? 200 : 404).end(data);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/models/`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('loads by URL and reports a missing one with its HTTP status', async () => {
      const { unet } = await loadUNet(httpWeightsStore(base));
      expect(unet.config.baseChannels).toBe(8);
      unet.dispose();
      await expectWeightsError(loadUNet(httpWeightsStore(`${base}missing/`)), 'WEIGHTS_NOT_FOUND', /HTTP 404/);
    });
  });
});

describe('float32ToFloat16Bits', () => {
  it('encodes exact, rounded, overflowing and subnormal values', () => {
    const bits = float32ToFloat16Bits(Float32Array.from([1, -2, 65504, 70000, 2 ** -24, 1e-9, 1 + 2 ** -11, 1 + 3 * 2 ** -11, NaN]));
    expect(Array.from(bits.slice(0, 8))).toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x3c00, 0x3c02]);
    expect(bits[8]! & 0x7c00).toBe(0x7c00);
    expect(bits[8]! & 0x3ff).not.toBe(0);
  });
});
