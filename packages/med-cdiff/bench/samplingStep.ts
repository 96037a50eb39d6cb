/**
 * One sampling step of each Med-cDiff network the viewer ships, over a 256 x 256 output slice:
 * ours through the pipeline (WASM in Node, tiles at the training size, on worker threads over every
 * core, as the CLI runs) beside the same network over the same tiles in the PyTorch twin (CPU, the
 * same number of threads, all tiles in one call or 4 per call, whichever is faster). Our step is (time of a 6-step call - time of a 1-step call) / 5, so the
 * pipeline's fixed costs (normalisation, tiling, worker start) are not counted as sampling; GFLOP/s
 * from the convolutions and matrix products of one step (counted in this thread with tf.profile).
 * Usage: npx tsx bench/samplingStep.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileWeightsStore, selectNodeBackend } from '@meddiff/diffusion-core/node';
import { findRepoRoot } from '@meddiff/imaging/node';
import { countFlops } from '../../diffusion-core/bench/flops';
import { MedCDiffPipeline } from '../src/pipeline/medCDiffPipeline';
import { workerChunkSampler } from '../src/pipeline/workerChunkSampler';

const here = dirname(fileURLToPath(import.meta.url));
const models = join(findRepoRoot(fileURLToPath(import.meta.url))!, 'apps', 'viewer', 'models');
const twinBench = join(here, '..', '..', 'torch-twin', 'bench', 'sampling_step.py');
const repeats = process.argv.includes('--quick') ? 1 : 3;
const cores = availableParallelism();
const size = 256;
const slice = { data: Float32Array.from({ length: size * size }, (_, i) => 400 + 200 * Math.sin(i / 11) * Math.cos(i / 317)), shape: [size, size] as const };
const mask = Uint8Array.from({ length: size * size }, (_, i) => (Math.abs((i % size) - 128) < 40 && Math.abs(Math.floor(i / size) - 128) < 40 ? 1 : 0));

await selectNodeBackend('wasm');
const run = (pipeline: MedCDiffPipeline, steps: number) => {
  const options = { sampler: 'dpm-solver' as const, steps, seed: 1 };
  return pipeline.task === 'super-resolution'
    ? pipeline.superResolve({ data: slice.data.slice(0, (size / 2) * (size / 2)), shape: [size / 2, size / 2] as const }, { ...options, factor: 2 })
    : pipeline.task === 'denoising'
      ? pipeline.denoise(slice, options)
      : pipeline.inpaint(slice, mask, options);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: Array<Record<string, string | number>> = [];
for (const name of ['med-cdiff-super-resolution-tiny', 'med-cdiff-denoising-tiny', 'med-cdiff-inpainting-tiny']) {
  const folder = join(models, name);
  const inThread = await MedCDiffPipeline.load(fileWeightsStore(folder));
  const { tiles } = await run(inThread, 1);
  const flops = await countFlops(() => run(inThread, 1));
  inThread.dispose();
  const pipeline = await MedCDiffPipeline.load(fileWeightsStore(folder));
  await pipeline.useChunkSampler(await workerChunkSampler(pipeline.model, { workers: cores }));
  await run(pipeline, 1); // warm-up: workers load the model
  const perStep: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let t0 = performance.now();
    await run(pipeline, 1);
    const one = performance.now() - t0;
    t0 = performance.now();
    await run(pipeline, 6);
    perStep.push((performance.now() - t0 - one) / 5);
  }
  pipeline.dispose();
  const ours = median(perStep);
  // The twin's faster arrangement: every tile in one call, or 4 per call as our pipeline batches.
  const twinMs = (batch: number) =>
    (JSON.parse(execFileSync('/usr/bin/python3', [twinBench, folder, String(tiles), String(pipeline.model.config.imageSize), String(cores), String(batch)], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { median_step_ms: number }).median_step_ms;
  const twin = { median_step_ms: Math.min(twinMs(tiles), twinMs(4)) };
  rows.push({
    network: name,
    tiles,
    'GFLOP/step': +(flops / 1e9).toFixed(2),
    [`ours ms/step (${cores} workers)`]: +ours.toFixed(0),
    'ours GFLOP/s': +(flops / ours / 1e6).toFixed(1),
    [`twin ms/step (${cores} threads)`]: +twin.median_step_ms.toFixed(0),
    'twin GFLOP/s': +(flops / twin.median_step_ms / 1e6).toFixed(1),
    'ours / twin throughput': +(twin.median_step_ms / ours).toFixed(2),
  });
}
console.log(`\nOne DPM-Solver++ step over a ${size} x ${size} slice, WASM on ${cores} worker threads vs the PyTorch twin on ${cores} threads (median of ${repeats}):`);
console.table(rows);
const file = join(here, 'results', 'sampling-step.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
console.log(`wrote ${file}`);
