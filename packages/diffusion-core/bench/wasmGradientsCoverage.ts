/*
 * Lists the kernels a small diffusion U-Net training step runs (raw tfjs-core
 * ops and a tfjs-layers model) and which of them the wasm backend lacks.
 * Usage: npx tsx bench/wasmGradientsCoverage.ts [--with-gradients]
 *   --with-gradients  register this package's wasm gradient kernels first.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { kernelsMissingOn, kernelsUsedBy } from '../src/testing/kernelCoverage.js';
import {
  createProbeBatch,
  createProbeLayersModel,
  createProbeParams,
  probeBatchTensors,
  probeLayersTrainingStep,
  probeTrainingStep,
  type ProbeSize,
} from '../src/testing/unetTrainingProbe.js';

const size: ProbeSize = { batch: 2, size: 8, base: 8, groups: 2, timesteps: 50, classes: 5 };

async function kernelsOfTrainingSteps(): Promise<string[]> {
  const params = createProbeParams(size, 1);
  const batch = createProbeBatch(size, 2);
  const alphasBar = tf.linspace(0.999, 0.01, size.timesteps);
  const optimizer = tf.train.adam(1e-3);
  const raw = await kernelsUsedBy(() => {
    probeTrainingStep(params, size, batch, alphasBar, optimizer, 0);
    return [];
  });
  const model = createProbeLayersModel(size);
  const layersOptimizer = tf.train.adam(1e-3);
  const layers = await kernelsUsedBy(() => {
    probeLayersTrainingStep(model, layersOptimizer, batch.x0, batch.noise);
    return [];
  });
  model.dispose();
  optimizer.dispose();
  layersOptimizer.dispose();
  tf.dispose([Object.values(params), probeBatchTensors(batch), alphasBar]);
  return [...new Set([...raw, ...layers])].sort();
}

async function main(): Promise<void> {
  if (process.argv.includes('--with-gradients')) {
    const { registerWasmGradientKernels } = await import('../src/runtime/wasmGradients/index.js');
    console.log('registered:', registerWasmGradientKernels().join(', '));
  }
  await tf.setBackend('cpu');
  const used = await kernelsOfTrainingSteps();
  console.log(`kernels used (${used.length}): ${used.join(' ')}`);
  console.log(`missing on wasm: ${kernelsMissingOn('wasm', used).join(' ') || '(none)'}`);
  await tf.setBackend('wasm');
  try {
    const usedOnWasm = await kernelsOfTrainingSteps();
    console.log(`training steps ran on wasm (${usedOnWasm.length} kernels)`);
  } catch (e) {
    console.log(`training steps failed on wasm: ${(e as Error).message}`);
  }
}

await main();
