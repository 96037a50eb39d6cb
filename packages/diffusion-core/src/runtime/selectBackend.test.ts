import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { selectBackend } from './selectBackend';

// This file runs without installNodeWebGPU: Node has no navigator.gpu here.
describe('selectBackend (Node without WebGPU)', () => {
  it('runs on wasm by default', async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.summary).toBe('Running on wasm.');
  });

  it('falls back along the preferred order and says why', async () => {
    const choice = await selectBackend({ preferred: ['webgpu', 'webgl', 'wasm'] });
    expect(choice.backend).toBe('wasm');
    expect(choice.unavailable.map((u) => u.backend)).toEqual(['webgpu', 'webgl']);
    expect(choice.summary).toMatch(/Running on wasm \(webgpu: .*installNodeWebGPU.*; webgl: WebGL needs a browser\)/);
  });

  it('throws a BackendError listing every reason when nothing starts', async () => {
    await expect(selectBackend({ preferred: ['webgpu', 'webgl'] })).rejects.toBeInstanceOf(BackendError);
    await expect(selectBackend({ preferred: ['webgpu'] })).rejects.toThrow(/No TensorFlow.js backend could start. Tried: webgpu/);
    await expect(selectBackend({ preferred: ['metal' as never] })).rejects.toThrow(/Allowed: webgpu, webgl, wasm, cpu/);
  });
});
