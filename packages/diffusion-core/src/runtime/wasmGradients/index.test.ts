import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels, WASM_GRADIENT_KERNEL_NAMES } from './index.js';
import { kernelsMissingOn, kernelsUsedBy } from '../../testing/kernelCoverage.js';
import { useBatchSafeCpuResizeNearestNeighborGrad } from '../../testing/backendComparison.js';
import {
  createProbeBatch,
  createProbeLayersModel,
  createProbeParams,
  probeBatchTensors,
  probeLayersTrainingStep,
  probeTrainingStep,
  type ProbeSize,
} from '../../testing/unetTrainingProbe.js';

const size: ProbeSize = { batch: 2, size: 8, base: 8, groups: 2, timesteps: 50, classes: 5 };

/** Kernels of one raw-op U-Net step and one tfjs-layers step, run on the active backend. */
async function kernelsOfTrainingSteps(): Promise<string[]> {
  const params = createProbeParams(size, 1);
  const batch = createProbeBatch(size, 2);
  const ab = tf.linspace(0.999, 0.01, size.timesteps) as tf.Tensor1D;
  const optimizer = tf.train.adam(1e-3);
  const model = createProbeLayersModel(size);
  const layersOptimizer = tf.train.adam(1e-3);
  try {
    const raw = await kernelsUsedBy(() => {
      probeTrainingStep(params, size, batch, ab, optimizer, 0);
      return [];
    });
    const layers = await kernelsUsedBy(() => {
      probeLayersTrainingStep(model, layersOptimizer, batch.x0, batch.noise);
      return [];
    });
    return [...new Set([...raw, ...layers])].sort();
  } finally {
    model.dispose();
    optimizer.dispose();
    layersOptimizer.dispose();
    tf.dispose([Object.values(params), probeBatchTensors(batch), ab]);
  }
}

describe('registerWasmGradientKernels', () => {
  // Runs first in this file (one process per file): the registry is still tfjs-backend-wasm's own.
  it('covers every kernel a U-Net training step needs that tfjs-backend-wasm lacks', async () => {
    useBatchSafeCpuResizeNearestNeighborGrad();
    await tf.setBackend('cpu');
    const used = await kernelsOfTrainingSteps();
    expect(used).toContain('Conv2DBackpropFilter');
    expect(used).toContain('ResizeNearestNeighborGrad');
    expect(used).toContain('UnsortedSegmentSum');
    const missingBefore = kernelsMissingOn('wasm', used);
    expect(missingBefore).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);

    expect(registerWasmGradientKernels()).toEqual([...WASM_GRADIENT_KERNEL_NAMES]);
    expect(kernelsMissingOn('wasm', used)).toEqual([]);
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const usedOnWasm = await kernelsOfTrainingSteps();
    expect(kernelsMissingOn('wasm', usedOnWasm)).toEqual([]);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('is idempotent: a second call keeps the registered kernels', () => {
    registerWasmGradientKernels();
    const before = WASM_GRADIENT_KERNEL_NAMES.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    expect(registerWasmGradientKernels()).toEqual([...WASM_GRADIENT_KERNEL_NAMES]);
    const after = WASM_GRADIENT_KERNEL_NAMES.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    expect(after).toEqual(before);
    expect(after.every((f) => f !== undefined)).toBe(true);
  });
});
