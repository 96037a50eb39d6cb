/**
 * `npm start` until the viewer lands: exercises the foundation end to end from the command line.
 * Picks a backend (and says why), builds a U-Net preset, samples with DPM-Solver++ with a progress
 * bar and Ctrl-C cancellation, saves the weights with their config and loads them back verified.
 * The network is untrained: the point is the machinery, not the picture.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, DpmSolverMultistepScheduler, loadUNet, NoiseSchedule, sample, saveUNet, selectBackend, UNet, unetPreset } from '../src/index';
import { fileWeightsStore } from '../src/node';

const choice = await selectBackend();
console.log(choice.summary);
const unet = UNet.create({ ...unetPreset('small'), inChannels: 2, outChannels: 1 });
console.log(`U-Net 'small' preset: ${unet.countParams().toLocaleString()} parameters, input multiple of ${unet.sizeMultiple} px.`);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const condition = tf.zeros([1, 64, 64, 1]);
const before = tf.memory().numTensors;
try {
  const out = await sample({
    scheduler: new DpmSolverMultistepScheduler(new NoiseSchedule()),
    shape: [1, 64, 64, 1],
    numInferenceSteps: 20,
    seed: 42,
    signal: controller.signal,
    denoiser: (x, t) => tf.tidy(() => unet.apply({ x: tf.concat([x, condition], 3) as tf.Tensor4D, timesteps: t })),
    onProgress: ({ step, total, etaMs }) => {
      const bar = '#'.repeat(Math.round((20 * step) / total)).padEnd(20, '.');
      process.stdout.write(`\rsampling [${bar}] ${step}/${total}  eta ${(etaMs / 1000).toFixed(1)} s `);
    },
  });
  const range = tf.tidy(() => tf.stack([tf.min(out), tf.max(out)]));
  const [min, max] = await range.data();
  range.dispose();
  console.log(`\nsample: ${out.shape.join(' x ')}, values in [${min!.toFixed(2)}, ${max!.toFixed(2)}]`);
  out.dispose();
} catch (e) {
  if (!(e instanceof CancelledError)) throw e;
  console.log('\ncancelled');
}
console.log(`tensors left behind by sampling: ${tf.memory().numTensors - before}`);

const dir = mkdtempSync(join(tmpdir(), 'meddiff-demo-'));
const meta = await saveUNet(unet, fileWeightsStore(dir), { storageDtype: 'float16' });
const { unet: reloaded } = await loadUNet(fileWeightsStore(dir));
console.log(`saved to ${dir} (float16, ${Object.values(meta.files).reduce((n, f) => n + f.bytes, 0).toLocaleString()} bytes, SHA-256 checked on load)`);
reloaded.dispose();
unet.dispose();
condition.dispose();
