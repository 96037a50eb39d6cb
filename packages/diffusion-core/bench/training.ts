/**
 * Training steps per second on WASM in Node for the small presets at 64 x 64, beside the PyTorch
 * twin (packages/torch-twin: the same network from the same UNetConfig, its real trainer) on the
 * same cores: one process with all threads, and torchrun with one process per core (DDP, gloo).
 * Parameter counts are checked to agree.
 * Ours in this thread and data-parallel over worker threads (dataParallelGradients).
 * Usage: npx tsx bench/training.ts [--quick] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, Trainer, UNet, unetPreset, type UNetPresetName } from '../src/index';
import { dataParallelGradients, siblingModule } from '../src/node';
import { createTrainingReplica } from './trainingReplica';
import { countFlops } from './flops';
import { median, printTable, writeResults } from './harness';

const quick = process.argv.includes('--quick');
const threads = Number(process.argv[process.argv.indexOf('--threads') + 1]) || 2;
const steps = quick ? 4 : 10;
const size = 64;
const batch = 8;

/** The TypeScript trainer's median step: gradients in this thread, or over `workers` worker threads. */
async function tfjsStepMs(preset: UNetPresetName, workers: number | null): Promise<{ ms: number; params: number; config: object; flops: number }> {
  const options = { preset, size, batch };
  const replica = createTrainingReplica(options);
  const common = { model: replica.model, modelConfig: null, batchSize: batch, config: { steps: 1_000_000, ema: { maxDecay: 0.999, warmup: true } } };
  const trainer = new Trainer<tf.Tensor>(
    workers === null
      ? { ...common, loss: replica.loss, data: replica.data }
      : { ...common, gradients: await dataParallelGradients({ model: replica.model, replica: { url: siblingModule(import.meta.url, 'trainingReplica'), options }, batchSize: batch, workers }) },
  );
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    await trainer.trainStep();
    if (i >= 2) times.push(performance.now() - t0);
  }
  // The work of one step, counted in this thread (workers run the same kernels on their rows).
  const flops = workers === null ? await countFlops(() => trainer.trainStep()) : 0;
  const unet = UNet.create({ ...unetPreset(preset), inChannels: 2, outChannels: 1 });
  const result = { ms: median(times), params: unet.countParams(), config: unet.config, flops };
  unet.dispose();
  await trainer.dispose();
  replica.dispose();
  return result;
}

/** A TCP port nobody listens on now (asked of the kernel by a short-lived child). */
function freePort(): number {
  return Number(execFileSync(process.execPath, ['-e', "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"], { encoding: 'utf8' }).trim());
}

const TWIN_BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'torch-twin', 'bench', 'training_step.py');

/** The twin's median step on `processes` processes sharing the `threads` cores (torchrun for more than one). */
function torchStepMs(config: object, processes: number): { ms: number; params: number; version: string } | { error: string } {
  const args = [TWIN_BENCH, JSON.stringify(config), String(size), String(batch), String(steps), String(Math.max(1, Math.floor(threads / processes)))];
  // Debian's torch 1.13 torchrun cannot parse its own default for these on Python 3.11 (see the twin's README).
  // A rendezvous on a free port rather than --standalone's fixed 29400, which a training run may hold.
  const rendezvous = ['--rdzv_backend=c10d', `--rdzv_endpoint=127.0.0.1:${freePort()}`, '--nnodes=1'];
  const command: [string, string[]] = processes === 1 ? ['/usr/bin/python3', args] : ['/usr/bin/torchrun', ['--redirects', '1', '--tee', '1', ...rendezvous, `--nproc_per_node=${processes}`, ...args]];
  try {
    const out = execFileSync(command[0], command[1], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.includes('median_step_ms'))!;
    const r = JSON.parse(line.slice(line.indexOf('{'))) as { median_step_ms: number; params: number; torch: string };
    return { ms: r.median_step_ms, params: r.params, version: r.torch };
  } catch (e) {
    return { error: `PyTorch twin unavailable (scripts/setup.sh installs python3-torch): ${(e as Error).message.split('\n')[0]}` };
  }
}

const choice = await selectBackend({ preferred: ['wasm'] });
const rows: Array<Record<string, string | number>> = [];
for (const preset of ['tiny', 'small'] as UNetPresetName[]) {
  const inThread = await tfjsStepMs(preset, null);
  const parallel = await tfjsStepMs(preset, threads);
  const gflops = (ms: number) => inThread.flops / ms / 1e6;
  const row: Record<string, string | number> = {
    preset,
    params: inThread.params,
    'GFLOP/step': inThread.flops / 1e9,
    'tfjs 1 thread ms/step': inThread.ms,
    'GFLOP/s': gflops(inThread.ms),
    [`tfjs ${threads} workers ms/step`]: parallel.ms,
    'GFLOP/s ': gflops(parallel.ms),
  };
  let best = Infinity;
  for (const processes of [1, threads]) {
    const ref = torchStepMs(inThread.config, processes);
    const label = `twin ${processes} proc`;
    if ('error' in ref) {
      row[`${label} ms/step`] = ref.error;
      continue;
    }
    if (ref.params !== inThread.params) throw new Error(`The PyTorch twin has ${ref.params} parameters, ours ${inThread.params}: the architectures differ.`);
    row[`${label} ms/step`] = ref.ms;
    row[`${label} GFLOP/s`] = gflops(ref.ms);
    best = Math.min(best, ref.ms);
  }
  // Throughput relative to the twin's best arrangement on the same cores (> 1: ours is faster).
  if (Number.isFinite(best)) row[`tfjs ${threads} workers / best twin`] = best / parallel.ms;
  rows.push(row);
}
console.log(`\nTraining step (epsilon-MSE, AdamW, clip 1, EMA, global batch ${batch}, ${size} x ${size}), median of ${steps} after 2 warm-up steps; GFLOP/s from the convolutions and matrix products of one step (tf.profile shapes), the same count for every column; ${choice.summary}, in this thread and data-parallel over ${threads} worker threads; the PyTorch twin on ${threads} cores (1 process x ${threads} threads, and ${threads} processes x 1 thread under torchrun).`);
printTable(rows);
console.log(`wrote ${writeResults('training', rows)}`);
