/**
 * Training steps per second on WASM in Node for the small presets at 64 x 64, beside the PyTorch
 * twin (packages/torch-twin: the same network from the same UNetConfig, its real trainer) on the
 * same cores: one process with all threads, and torchrun with one process per core (DDP, gloo).
 * Parameter counts are checked to agree.
 * Usage: npx tsx bench/training.ts [--quick] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayBatchSource, diffusionLoss, NoiseSchedule, selectBackend, Trainer, UNet, unetPreset, type UNetPresetName } from '../src/index';
import { median, printTable, writeResults } from './harness';

const quick = process.argv.includes('--quick');
const threads = Number(process.argv[process.argv.indexOf('--threads') + 1]) || 2;
const steps = quick ? 4 : 10;
const size = 64;
const batch = 8;

async function tfjsStepMs(preset: UNetPresetName): Promise<{ ms: number; params: number; config: object }> {
  const unet = UNet.create({ ...unetPreset(preset), inChannels: 2, outChannels: 1 });
  const schedule = new NoiseSchedule();
  const scheduleTensors = schedule.upload();
  const data = new ArrayBatchSource({ data: Float32Array.from({ length: 64 * size * size * 2 }, () => Math.random() * 2 - 1), itemShape: [size, size, 2] }, batch, 1);
  const trainer = new Trainer<tf.Tensor>({
    model: unet.model,
    modelConfig: unet.config,
    batchSize: batch,
    data,
    config: { steps: 1_000_000, ema: { maxDecay: 0.999, warmup: true } },
    loss: (pair, { seed }) =>
      tf.tidy(() => {
        const [x0, cond] = tf.split(pair, 2, 3);
        return diffusionLoss(x0!, (xt, t) => unet.apply({ x: tf.concat([xt, cond!], 3) as tf.Tensor4D, timesteps: t }, true), { schedule, scheduleTensors, predictionType: 'epsilon', loss: 'mse', seed });
      }),
  });
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    await trainer.trainStep();
    if (i >= 2) times.push(performance.now() - t0);
  }
  const result = { ms: median(times), params: unet.countParams(), config: unet.config };
  trainer.dispose();
  tf.dispose(Object.values(scheduleTensors));
  unet.dispose();
  return result;
}

const TWIN_BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'torch-twin', 'bench', 'training_step.py');

/** The twin's median step on `processes` processes sharing the `threads` cores (torchrun for more than one). */
function torchStepMs(config: object, processes: number): { ms: number; params: number; version: string } | { error: string } {
  const args = [TWIN_BENCH, JSON.stringify(config), String(size), String(batch), String(steps), String(Math.max(1, Math.floor(threads / processes)))];
  // Debian's torch 1.13 torchrun cannot parse its own default for these on Python 3.11 (see the twin's README).
  const command: [string, string[]] = processes === 1 ? ['/usr/bin/python3', args] : ['/usr/bin/torchrun', ['--redirects', '1', '--tee', '1', '--standalone', `--nproc_per_node=${processes}`, ...args]];
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
  const ours = await tfjsStepMs(preset);
  const row: Record<string, string | number> = { preset, params: ours.params, 'tfjs wasm ms/step': ours.ms };
  for (const processes of [1, threads]) {
    const ref = torchStepMs(ours.config, processes);
    const label = `twin ${processes} proc`;
    if ('error' in ref) {
      row[`${label} ms/step`] = ref.error;
      continue;
    }
    if (ref.params !== ours.params) throw new Error(`The PyTorch twin has ${ref.params} parameters, ours ${ours.params}: the architectures differ.`);
    row[`${label} ms/step`] = ref.ms;
    row[`tfjs / ${label}`] = ref.ms / ours.ms;
  }
  rows.push(row);
}
console.log(`\nTraining step (epsilon-MSE, AdamW, clip 1, EMA, global batch ${batch}, ${size} x ${size}), median of ${steps} after 2 warm-up steps; ${choice.summary}; the PyTorch twin on ${threads} cores (1 process x ${threads} threads, and ${threads} processes x 1 thread under torchrun).`);
printTable(rows);
console.log(`wrote ${writeResults('training', rows)}`);
