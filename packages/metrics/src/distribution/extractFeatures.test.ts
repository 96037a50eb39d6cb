import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, InvalidShapeError } from '../errors';
import { useBackend } from '../testing/backend';
import { extractFeatures } from './extractFeatures';
import { fid } from './fid';

/**
 * A small RGB feature extractor saved to and loaded back from the tfjs Layers
 * format, the way a user's model arrives from `tf.loadLayersModel(url)`.
 */
async function loadedExtractor(): Promise<tfl.LayersModel> {
  const input = tfl.input({ shape: [16, 16, 3] });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(conv) as tfl.SymbolicTensor;
  const map = tfl.layers.maxPooling2d({ poolSize: 7 }).apply(conv) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [pooled, map] });
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return tfl.loadLayersModel(tf.io.fromMemory(saved as unknown as tf.io.ModelArtifacts));
}

/**
 * The README's recipe for loading a tfjs Layers model from a folder in Node
 * without tfjs-node: read model.json and its weight files, hand them to tf.io.fromMemory.
 */
async function loadLayersModelFromFolder(folder: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(folder, p))));
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weightData.buffer,
    }),
  );
}

/** Grey [N, H, W] to the RGB [N, H, W, 3] the model expects. */
const toRgb = (batch: tf.Tensor): tf.Tensor => tf.tile(tf.expandDims(batch, -1), [1, 1, 1, 3]);

describe('extractFeatures with a user-loaded tfjs model', () => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await loadedExtractor();
  });

  it('batches, preprocesses and flattens like one direct predict call, freeing everything', async () => {
    const images = tf.randomUniform([7, 16, 16], 0, 1, 'float32', 3);
    const direct = tf.tidy(() => (model.predict(toRgb(images)) as tf.Tensor[])[0] as tf.Tensor);
    const before = tf.memory().numTensors;
    const features = await extractFeatures(model, images, { batchSize: 3, preprocess: toRgb });
    expect(tf.memory().numTensors).toBe(before);
    expect(features.shape).toEqual([7, 4]);
    const want = await direct.data();
    features.data.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 5));
    expect(images.isDisposed).toBe(false);
    tf.dispose([images, direct]);
  });

  it('picks an output by index and flattens feature maps; typed-array images work', async () => {
    const data = Float32Array.from({ length: 5 * 16 * 16 }, (_, i) => (i % 37) / 37);
    const before = tf.memory().numTensors;
    const features = await extractFeatures(model, { data, shape: [5, 16, 16] }, { preprocess: toRgb, output: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(features.shape).toEqual([5, 2 * 2 * 4]);
  });

  it('works with a model loaded from a folder on disk (model.json + weights.bin)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'metrics-model-'));
    try {
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weightData = artifacts.weightData as ArrayBuffer;
          writeFileSync(join(folder, 'weights.bin'), new Uint8Array(weightData));
          const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
          writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const fromDisk = await loadLayersModelFromFolder(folder);
      const images = tf.randomUniform([4, 16, 16], 0, 1, 'float32', 9);
      const a = await extractFeatures(model, images, { preprocess: toRgb });
      const b = await extractFeatures(fromDisk, images, { preprocess: toRgb });
      images.dispose();
      fromDisk.dispose();
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('feeds FID directly', async () => {
    const a = tf.randomUniform([12, 16, 16], 0, 1, 'float32', 4);
    const b = tf.randomUniform([12, 16, 16], 0.2, 1.2, 'float32', 5);
    const fa = await extractFeatures(model, a, { preprocess: toRgb });
    const fb = await extractFeatures(model, b, { preprocess: toRgb });
    tf.dispose([a, b]);
    expect(await fid(fa, fb)).toBeGreaterThan(Math.abs(await fid(fa, fa)));
  });

  it('says what is wrong with a bad model, output or batch axis, and frees its tensors', async () => {
    const images = tf.zeros([2, 16, 16]);
    const before = tf.memory().numTensors;
    await expect(extractFeatures({} as never, images)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(extractFeatures(model, images, { preprocess: toRgb, output: 5 })).rejects.toThrow(/no output 5/);
    const flattening = { predict: (x: tf.Tensor) => tf.reshape(x, [-1]) };
    await expect(extractFeatures(flattening, images)).rejects.toBeInstanceOf(InvalidShapeError);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
