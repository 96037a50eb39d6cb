/**
 * One measured configuration of the super-resolution bench, in a process of its own so its peak
 * memory is its own: x2 of the middle axial slice of Colin27 (217 x 181) with a model folder.
 * Usage: tsx bench/superResolutionRun.ts <model folder> <steps> <workers: 0 for this thread> [tileSize] [maxBatch] [--flops]; prints one JSON line
 * (with --flops, the floating-point operations of one step in this thread instead of a timing).
 */
import { selectNodeBackend } from '@meddiff/diffusion-core/node';
import { readNifti, volumeSlice } from '@meddiff/imaging';
import { findRepoRoot } from '@meddiff/imaging/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { countFlops } from '../../diffusion-core/bench/flops';
import { MedCDiffPipeline } from '../src/pipeline/medCDiffPipeline';
import { workerChunkSampler } from '../src/pipeline/workerChunkSampler';

const [model, steps, workers, tileSize, maxBatch] = process.argv.slice(2).filter((a) => a !== '--flops');
const root = findRepoRoot(fileURLToPath(import.meta.url))!;
await selectNodeBackend('wasm');
const { volume } = readNifti(readFileSync(join(root, '.cache/open-data/mricron-data/usr/share/mricron/templates/ch2.nii.gz')));
const slice = volumeSlice(volume, Math.floor(volume.shape[0] / 2));
const pipeline = await MedCDiffPipeline.load(fileWeightsStore(model!));
if (Number(workers) > 0) await pipeline.useChunkSampler(await workerChunkSampler(pipeline.model, { workers: Number(workers) }));
const run = (n: number) => pipeline.superResolve(slice, { factor: 2, sampler: 'dpm-solver', steps: n, seed: 1, ...(tileSize ? { tileSize: Number(tileSize) } : {}), ...(maxBatch ? { maxBatch: Number(maxBatch) } : {}) });
if (process.argv.includes('--flops')) {
  console.log(JSON.stringify({ flopsPerStep: await countFlops(() => run(1)) }));
  process.exit(0);
}
const t0 = performance.now();
const result = await run(Number(steps));
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, workers: Number(workers), input: slice.shape, output: result.image.shape, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
pipeline.dispose();
