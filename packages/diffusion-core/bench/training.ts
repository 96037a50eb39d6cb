/**
 * Training steps per second on WASM in Node for the small presets at 64 x 64, beside the same
 * architecture and step in PyTorch on the CPU with the same thread count (Debian's python3-torch),
 * the reference a user would otherwise pick. The PyTorch model is rebuilt from our UNetConfig and
 * its parameter count is checked against ours.
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

function torchStepMs(config: object): { ms: number; params: number; version: string } | { error: string } {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_unet.py');
  try {
    const out = execFileSync('/usr/bin/python3', [script, JSON.stringify(config), String(size), String(batch), String(steps), String(threads)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { median_step_ms: number; params: number; torch: string };
    return { ms: r.median_step_ms, params: r.params, version: r.torch };
  } catch (e) {
    return { error: `PyTorch reference unavailable (apt-get install python3-torch): ${(e as Error).message.split('\n')[0]}` };
  }
}

const choice = await selectBackend({ preferred: ['wasm'] });
const rows: Array<Record<string, string | number>> = [];
for (const preset of ['tiny', 'small'] as UNetPresetName[]) {
  const ours = await tfjsStepMs(preset);
  const ref = torchStepMs(ours.config);
  if ('error' in ref) {
    rows.push({ preset, params: ours.params, 'tfjs wasm ms/step': ours.ms, 'tfjs steps/s': 1000 / ours.ms, 'torch ms/step': ref.error, ratio: '' });
    continue;
  }
  if (ref.params !== ours.params) throw new Error(`PyTorch model has ${ref.params} parameters, ours ${ours.params}: the architectures differ.`);
  rows.push({ preset, params: ours.params, 'tfjs wasm ms/step': ours.ms, 'tfjs steps/s': 1000 / ours.ms, 'torch ms/step': ref.ms, 'torch steps/s': 1000 / ref.ms, 'tfjs / torch throughput': ref.ms / ours.ms });
}
console.log(`\nTraining step (epsilon-MSE, Adam/AdamW, clip 1, batch ${batch}, ${size} x ${size}), median of ${steps} after 2 warm-up steps; ${choice.summary} PyTorch with ${threads} threads.`);
printTable(rows);
console.log(`wrote ${writeResults('training', rows)}`);
