/**
 * U-Net forward time per backend, preset and image size, and one sampling run per sampler.
 * Usage: npx tsx bench/unet.ts [--quick] [--backends wasm,webgpu]
 * WebGPU in Node runs on whatever Vulkan driver Dawn finds: a real GPU, or SwiftShader (a CPU
 * emulation, ~0.3 GFLOP/s) on machines without one, where the large cases are skipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, DdpmScheduler, DpmSolverMultistepScheduler, NoiseSchedule, sample, selectBackend, UNet, unetPreset, type Scheduler, type UNetPresetName } from '../src/index';
import { installNodeWebGPU } from '../src/node';
import { printTable, timeMedian, writeResults } from './harness';

const quick = process.argv.includes('--quick');
const backendsArg = process.argv[process.argv.indexOf('--backends') + 1];
const backends = (process.argv.includes('--backends') ? backendsArg!.split(',') : ['wasm', 'webgpu']) as Array<'wasm' | 'webgpu'>;
const runs = quick ? 2 : 5;

async function main(): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  const notes: string[] = [];
  let webgpuAdapter = '';
  if (backends.includes('webgpu')) {
    try {
      webgpuAdapter = (await installNodeWebGPU()).vulkanIcd?.includes('swiftshader') ? 'swiftshader' : 'gpu';
    } catch (e) {
      notes.push(`webgpu skipped: ${(e as Error).message}`);
    }
  }
  for (const backend of backends) {
    if (backend === 'webgpu' && !webgpuAdapter) continue;
    const choice = await selectBackend({ preferred: [backend] });
    const label = backend === 'webgpu' ? `webgpu (${webgpuAdapter})` : backend;
    for (const preset of ['small', 'paper128'] as UNetPresetName[]) {
      const unet = UNet.create({ ...unetPreset(preset), inChannels: 2, outChannels: 1 });
      for (const size of [64, 128, 256]) {
        // SwiftShader emulates the GPU on the CPU: the paper preset above 64 px takes minutes per pass.
        if (webgpuAdapter === 'swiftshader' && backend === 'webgpu' && (preset === 'paper128' ? size > 64 : size > 128)) {
          rows.push({ backend: label, preset, size, params: unet.countParams(), 'median ms': 'skipped (software GPU)' });
          continue;
        }
        if (quick && size === 256 && preset === 'paper128') continue;
        const x = tf.randomNormal([1, size, size, 2]) as tf.Tensor4D;
        const { medianMs } = await timeMedian(async () => {
          const y = unet.apply({ x, timesteps: 500 });
          await y.data();
          y.dispose();
        }, runs);
        x.dispose();
        rows.push({ backend: label, preset, size, params: unet.countParams(), 'median ms': medianMs });
        console.error(`${choice.backend} ${preset} ${size}: ${medianMs.toFixed(1)} ms`);
      }
      unet.dispose();
    }
  }
  console.log('\nU-Net forward pass, batch 1 (median of %d after a warm-up)', runs);
  printTable(rows);

  // One sampling run per sampler, small preset at 64 x 64 on wasm, at each sampler's usual step count.
  await selectBackend({ preferred: ['wasm'] });
  const unet = UNet.create({ ...unetPreset('small'), inChannels: 2, outChannels: 1 });
  const schedule = new NoiseSchedule();
  const condition = tf.zeros([1, 64, 64, 1]);
  const samplers: Array<[string, Scheduler, number]> = [
    ['DDPM (sigma^2 = beta)', new DdpmScheduler(schedule), quick ? 50 : 250],
    ['DDIM (eta 0)', new DdimScheduler(schedule), 50],
    ['DPM-Solver++(2M)', new DpmSolverMultistepScheduler(schedule), 20],
  ];
  const samplingRows: Array<Record<string, string | number>> = [];
  for (const [name, scheduler, steps] of samplers) {
    const { medianMs } = await timeMedian(async () => {
      const out = await sample({
        scheduler,
        shape: [1, 64, 64, 1],
        numInferenceSteps: steps,
        seed: 1,
        denoiser: (s, t) => tf.tidy(() => unet.apply({ x: tf.concat([s, condition], 3) as tf.Tensor4D, timesteps: t })),
      });
      await out.data();
      out.dispose();
    }, 1, 0);
    samplingRows.push({ sampler: name, steps, 'total ms': medianMs, 'ms/step': medianMs / steps });
  }
  unet.dispose();
  condition.dispose();
  console.log('\nSampling, small preset, 64 x 64, wasm (one run each)');
  printTable(samplingRows);
  for (const n of notes) console.log(n);
  console.log(`\nwrote ${writeResults('unet', { forward: rows, sampling: samplingRows, notes })}`);
}

await main();
