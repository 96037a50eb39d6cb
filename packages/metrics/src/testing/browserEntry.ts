// Test-only: bundled by vite and run inside Chromium by browser.golden.test.ts.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { accutance, dice, hausdorffDistance, msSsim, psnr, ssim } from '../index';

export interface BrowserImage {
  data: number[];
  shape: number[];
}

export interface BrowserRun {
  backend: string;
  leakedTensors: number;
  values: Record<string, number[]>;
}

async function run(
  backend: 'cpu' | 'webgl' | 'webgpu',
  refs: BrowserImage,
  tests: BrowserImage,
  mask: BrowserImage,
  segA: BrowserImage,
  segB: BrowserImage,
): Promise<BrowserRun> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise in this browser`);
  await tf.ready();
  const img = (x: BrowserImage) => ({ data: Float32Array.from(x.data), shape: x.shape });
  const r = img(refs);
  const t = tf.tensor(Float32Array.from(tests.data), tests.shape); // a tensor on the GPU for the test side
  const m = { data: Uint8Array.from(mask.data), shape: mask.shape };
  const before = tf.memory().numTensors;
  const values: Record<string, number[]> = {
    ssim: [...(await ssim(r, t, { dataRange: 1 })).perImage],
    ssim_masked: [...(await ssim(r, t, { dataRange: 1, mask: m })).perImage],
    ms_ssim: [...(await msSsim(r, t, { dataRange: 1 })).perImage],
    psnr: [...(await psnr(r, t, { dataRange: 1 })).perImage],
    psnr_masked: [...(await psnr(r, t, { dataRange: 1, mask: m })).perImage],
    accutance: [...(await accutance(t, { dataRange: 1 })).perImage],
    dice: [...(await dice(img(segA), img(segB))).perImage],
    hd95: [...(await hausdorffDistance(img(segA), img(segB))).perImage],
  };
  const leakedTensors = tf.memory().numTensors - before;
  t.dispose();
  return { backend: tf.getBackend(), leakedTensors, values };
}

(globalThis as { runMetrics?: typeof run }).runMetrics = run;
