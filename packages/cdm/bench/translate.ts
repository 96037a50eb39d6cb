/**
 * One CDM translation of a 256 x 256 T1 + T2 slice pair to FLAIR and PD with the shipped model:
 * ours (CdmPipeline.translate on WASM in Node, as the CLI and the viewer's worker run it) beside the
 * same networks in the PyTorch twin (CPU, the same number of threads). The MDN's DDIM steps are the
 * only sampling loop: its step is (time at 20 steps - time at 1 step) / 19; the whole call at the
 * model's 20 steps is reported too (ours includes resizing and normalisation, the twin's does not).
 * Usage: npx tsx bench/translate.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileWeightsStore, selectNodeBackend } from '@meddiff/diffusion-core/node';
import { findRepoRoot } from '@meddiff/imaging/node';
import { CdmPipeline } from '../src/pipeline/cdmPipeline';

const here = dirname(fileURLToPath(import.meta.url));
const folder = join(findRepoRoot(fileURLToPath(import.meta.url))!, 'apps', 'viewer', 'models', 'cdm-t1-t2-to-flair-pd-small-64px');
const twinBench = join(here, '..', '..', 'torch-twin', 'bench', 'cdm_translate.py');
const repeats = process.argv.includes('--quick') ? 3 : 7;
const cores = availableParallelism();
const size = 256;
const image = (phase: number) => ({ data: Float32Array.from({ length: size * size }, (_, i) => 400 + 200 * Math.sin(i / 11 + phase) * Math.cos(i / 317)), shape: [size, size] as const });
const sources = { T1: image(0), T2: image(1) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await selectNodeBackend('wasm');
const pipeline = await CdmPipeline.load(fileWeightsStore(folder));
const steps = pipeline.model.config.mdn.samplingSteps;
const time = async (ddimSteps: number) => {
  await pipeline.translate(sources, ['FLAIR', 'PD'], { ddimSteps, seed: 1 }); // warm-up
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await pipeline.translate(sources, ['FLAIR', 'PD'], { ddimSteps, seed: 1 });
    ms.push(performance.now() - t0);
  }
  return median(ms);
};
const [ours1, oursFull] = [await time(1), await time(steps)];
pipeline.dispose();
const twin = (s: number) => (JSON.parse(execFileSync('/usr/bin/python3', [twinBench, folder, String(cores), String(s), String(repeats)], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { median_ms: number }).median_ms;
const [twin1, twinFull] = [twin(1), twin(steps)];
const oursStep = (oursFull - ours1) / (steps - 1);
const twinStep = (twinFull - twin1) / (steps - 1);
const rows = [
  { what: `one MDN DDIM step`, 'ours ms': +oursStep.toFixed(2), [`twin ms (${cores} threads)`]: +twinStep.toFixed(2), 'ours / twin throughput': +(twinStep / oursStep).toFixed(2) },
  { what: `whole translation (${steps} steps)`, 'ours ms': +oursFull.toFixed(1), [`twin ms (${cores} threads)`]: +twinFull.toFixed(1), 'ours / twin throughput': +(twinFull / oursFull).toFixed(2) },
];
console.log(`\nCDM T1 + T2 -> FLAIR, PD of a ${size} x ${size} slice (the model works at ${pipeline.model.config.imageSize} px), WASM vs the PyTorch twin (median of ${repeats}):`);
console.table(rows);
const file = join(here, 'results', 'translate.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
console.log(`wrote ${file}`);
