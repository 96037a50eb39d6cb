import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { installNodeWebGPU } from '../node';
import { selectBackend } from './selectBackend';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { NoiseSchedule } from '../schedules/noiseSchedule';
import { DdimScheduler } from '../samplers/ddim';
import { DdpmScheduler } from '../samplers/ddpm';
import { sample } from '../samplers/sample';
import { perturbWeights } from '../testing/perturbWeights';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { diffusionLoss } from '../train/objectives';
import { globalNorm } from '../train/gradientClipping';
import { registerWasmGradientKernels } from './wasmGradients/index';

// WebGPU runs here on SwiftShader (a CPU Vulkan driver, Debian's chromium package), so tensors stay tiny.
// The same weights and the same seeded noise go to both backends; results must agree to float tolerance.

async function onBackend<T>(backend: 'wasm' | 'webgpu', fn: () => Promise<T>): Promise<T> {
  await tf.setBackend(backend);
  await tf.ready();
  return fn();
}

describe('WebGPU (Node, Dawn) against WASM', () => {
  let weights: Float32Array[] = [];
  const config = { ...unetPreset('tiny'), inChannels: 2, outChannels: 1, conditionDim: 3 };
  beforeAll(async () => {
    await installNodeWebGPU();
    // Registers the backend now that navigator.gpu exists; the comparisons below mean nothing unless it is active.
    const choice = await selectBackend({ preferred: ['webgpu'] });
    expect(choice.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    registerWasmGradientKernels();
    await onBackend('wasm', async () => {
      const unet = UNet.create(config);
      perturbWeights(unet.model, 1, 0.15);
      weights = await Promise.all(unet.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
      unet.dispose();
    });
  });
  afterAll(() => tf.setBackend('wasm'));

  function build(): UNet {
    const unet = UNet.create(config);
    const values = unet.model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape));
    unet.model.setWeights(values);
    tf.dispose(values);
    return unet;
  }

  async function forward(): Promise<Float32Array> {
    const unet = build();
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.sin(i)), [2, 8, 8, 2]);
    const cond = tf.tensor2d([[1, 0, -1], [0.5, 0.5, 0.5]]);
    const y = unet.apply({ x, timesteps: tf.tensor1d([3, 700]), condition: cond });
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, cond, y]);
    unet.dispose();
    return out;
  }

  async function sampled(make: (s: NoiseSchedule) => DdimScheduler | DdpmScheduler): Promise<Float32Array> {
    const unet = build();
    const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });
    const image = tf.tensor4d(Float32Array.from({ length: 64 }, (_, i) => Math.cos(i / 5)), [1, 8, 8, 1]);
    const cond = tf.tensor2d([[1, 0, -1]]);
    const before = tf.memory().numTensors;
    const x = await sample({
      scheduler: make(schedule),
      shape: [1, 8, 8, 1],
      numInferenceSteps: 4,
      seed: 9,
      denoiser: (s, t) => tf.tidy(() => unet.apply({ x: tf.concat([s, image], 3) as tf.Tensor4D, timesteps: t, condition: cond as tf.Tensor2D })),
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    const out = (await x.data()) as Float32Array;
    tf.dispose([x, image, cond]);
    unet.dispose();
    return out;
  }

  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  it('selects webgpu when Node has navigator.gpu', async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe('webgpu');
  });

  it('gives the same U-Net forward pass', async () => {
    const [a, b] = [await onBackend('wasm', forward), await onBackend('webgpu', forward)];
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.01);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
  });

  it('gives the same DDIM and DDPM samples from the same seed', async () => {
    for (const make of [(s: NoiseSchedule) => new DdimScheduler(s), (s: NoiseSchedule) => new DdpmScheduler(s)]) {
      const [a, b] = [await onBackend('wasm', () => sampled(make)), await onBackend('webgpu', () => sampled(make))];
      expect(maxDiff(a, b)).toBeLessThan(1e-3);
    }
  });

  async function trainingGradients(): Promise<Float32Array[]> {
    const unet = build();
    const schedule = new NoiseSchedule({ numTrainTimesteps: 1000 });
    const scheduleTensors = schedule.upload();
    const x0 = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 }, (_, i) => Math.sin(i / 3)), [2, 8, 8, 1]);
    const cond = tf.tensor2d([[1, 0, -1], [0, 1, 0]]);
    const params = unet.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => diffusionLoss(x0, (xt, t) => unet.apply({ x: tf.concat([xt, x0], 3) as tf.Tensor4D, timesteps: t, condition: cond as tf.Tensor2D }, true), { schedule, scheduleTensors, predictionType: 'epsilon', loss: 'mse', seed: 3 }),
      params,
    );
    const out = await Promise.all(params.map(async (p) => (await grads[p.name]!.data()) as Float32Array));
    tf.dispose([value, ...Object.values(grads), x0, cond, ...Object.values(scheduleTensors)]);
    unet.dispose();
    return out;
  }

  it('gives the same training gradients for a small U-Net', async () => {
    const [a, b] = [await onBackend('wasm', trainingGradients), await onBackend('webgpu', trainingGradients)];
    expect(a.length).toBeGreaterThan(50);
    let worst = 0;
    a.forEach((g, i) => {
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      worst = Math.max(worst, maxDiff(g, b[i]!) / scale);
    });
    expect(worst).toBeLessThan(1e-3);
  });

  it('computes the global gradient norm over many tensors (more than a shader can bind at once)', async () => {
    const norms = await Promise.all((['wasm', 'webgpu'] as const).map((b) => onBackend(b, async () => {
      const grads = Array.from({ length: 40 }, (_, i) => tf.fill([3, 2], i % 5));
      const n = globalNorm(grads);
      const value = (await n.data())[0]!;
      tf.dispose([...grads, n]);
      return value;
    })));
    const expected = Math.sqrt(6 * 8 * (0 + 1 + 4 + 9 + 16));
    expect(norms[0]).toBeCloseTo(expected, 3);
    expect(norms[1]).toBeCloseTo(expected, 3);
  });
});
