/*
 * Median time of one training step (loss, gradients, clipping, Adam, weight
 * decay) of the small diffusion U-Net probe on wasm, with this package's
 * kernels, or with only the missing ones (--minimal: the upstream kernels
 * otherwise). --by-kernel adds the time per kernel name.
 * Usage: npx tsx bench/wasmGradientsStep.ts [--minimal] [--by-kernel] [--size 64] [--base 64] [--steps 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerWasmGradientKernels } from '../src/runtime/wasmGradients/index.js';
import {
  createProbeBatch,
  createProbeParams,
  probeBatchTensors,
  probeTrainingStep,
  type ProbeSize,
} from '../src/testing/unetTrainingProbe.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const size: ProbeSize = { batch: 4, size: arg('--size', 64), base: arg('--base', 64), groups: 8, timesteps: 1000, classes: 10 };
const steps = arg('--steps', 5);

await tf.setBackend('wasm');
const registered = registerWasmGradientKernels({ replaceSlowKernels: !process.argv.includes('--minimal') });

// Time per top-level kernel call (kernels called inside other kernels are counted in their caller).
const perKernel = new Map<string, number>();
if (process.argv.includes('--by-kernel')) {
  let depth = 0;
  for (const k of tf.getKernelsForBackend('wasm')) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        depth++;
        const t0 = performance.now();
        try {
          return k.kernelFunc(args);
        } finally {
          depth--;
          if (depth === 0) perKernel.set(k.kernelName, (perKernel.get(k.kernelName) ?? 0) + performance.now() - t0);
        }
      },
    });
  }
}

const params = createProbeParams(size, 1);
const batch = createProbeBatch(size, 2);
const alphasBar = tf.linspace(0.9999, 0.02, size.timesteps) as tf.Tensor1D;
const optimizer = tf.train.adam(1e-3);
probeTrainingStep(params, size, batch, alphasBar, optimizer, 0); // warm-up
perKernel.clear();
const times: number[] = [];
for (let i = 1; i <= steps; i++) {
  const t0 = performance.now();
  probeTrainingStep(params, size, batch, alphasBar, optimizer, i);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`kernels registered here: ${registered.join(', ')}`);
console.log(
  `probe U-Net ${size.batch}x${size.size}x${size.size}x3, base ${size.base} (attention at ${size.size / 2}x${size.size / 2}): ` +
    `median step ${(times[Math.floor(times.length / 2)] as number).toFixed(0)} ms over ${steps} steps ` +
    `(min ${(times[0] as number).toFixed(0)}, max ${(times[times.length - 1] as number).toFixed(0)})`,
);
if (perKernel.size > 0) {
  const rows = [...perKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(26)} ${(ms / steps).toFixed(1).padStart(8)} ms/step`);
}
optimizer.dispose();
tf.dispose([Object.values(params), probeBatchTensors(batch), alphasBar]);
