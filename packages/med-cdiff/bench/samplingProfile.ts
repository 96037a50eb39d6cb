/**
 * Where one sampling step goes: each Med-cDiff network the viewer ships, one DPM-Solver++ step over a
 * 256 x 256 slice through the pipeline (tiles at the training size, in this thread, WASM), profiled
 * kernel by kernel with tf.profile. The table is what to make faster next.
 * Usage: npx tsx bench/samplingProfile.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { fileWeightsStore, selectNodeBackend } from '@meddiff/diffusion-core/node';
import { findRepoRoot } from '@meddiff/imaging/node';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MedCDiffPipeline } from '../src/pipeline/medCDiffPipeline';

await selectNodeBackend('wasm');
const models = join(findRepoRoot(fileURLToPath(import.meta.url))!, 'apps', 'viewer', 'models');
const size = 256;
const slice = { data: Float32Array.from({ length: size * size }, (_, i) => 400 + 200 * Math.sin(i / 11) * Math.cos(i / 317)), shape: [size, size] as const };
const mask = Uint8Array.from({ length: size * size }, (_, i) => (Math.abs((i % size) - 128) < 40 && Math.abs(Math.floor(i / size) - 128) < 40 ? 1 : 0));

for (const name of ['med-cdiff-super-resolution-tiny', 'med-cdiff-denoising-tiny', 'med-cdiff-inpainting-tiny']) {
  const pipeline = await MedCDiffPipeline.load(fileWeightsStore(join(models, name)));
  const options = { sampler: 'dpm-solver' as const, steps: 1, seed: 1 };
  const run = () =>
    pipeline.task === 'super-resolution'
      ? pipeline.superResolve({ data: slice.data.slice(0, 128 * 128), shape: [128, 128] as const }, { ...options, factor: 2 })
      : pipeline.task === 'denoising'
        ? pipeline.denoise(slice, options)
        : pipeline.inpaint(slice, mask, options);
  await run(); // warm-up
  const t0 = performance.now();
  const result = await run();
  const wall = performance.now() - t0;
  const profile = await tf.profile(async () => {
    await run();
    return tf.scalar(0);
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  // Records named <op>__op wrap the kernels they run (already listed): count kernels only.
  for (const k of profile.kernels.filter((r) => !r.name.endsWith('__op'))) {
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    byKernel.set(k.name, e);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`\n${name}: one step over ${size} x ${size} (output), ${result.tiles} tiles: ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels`);
  console.table(
    [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 12)
      .map(([kernel, e]) => ({ kernel, ms: +e.ms.toFixed(1), share: `${((100 * e.ms) / total).toFixed(1)} %`, calls: e.calls })),
  );
  pipeline.dispose();
}
