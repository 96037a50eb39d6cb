/**
 * `npm run bench` for @meddiff/metrics: wall-clock time of each metric on
 * typical sizes, on the wasm and cpu backends in Node. `--quick` skips the
 * d = 2048 FID/KID cases. Results print and go to bench/results/metrics.json.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accutance, fid, hausdorffDistance, kid, msSsim, psnr, ssim } from '../src/index';

const quick = process.argv.includes('--quick');
const results: Array<{ name: string; backend: string; ms: number }> = [];

async function time(name: string, backend: string, body: () => Promise<unknown>): Promise<void> {
  await body(); // warm-up (kernel compilation, wasm start)
  const start = performance.now();
  await body();
  const ms = performance.now() - start;
  results.push({ name, backend, ms });
  console.log(`${backend.padEnd(5)} ${name.padEnd(48)} ${ms.toFixed(1)} ms`);
}

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

const batch = { data: random(16 * 128 * 128, 1), shape: [16, 128, 128] };
const batch2 = { data: random(16 * 128 * 128, 2), shape: [16, 128, 128] };
const big = { data: random(4 * 256 * 256, 3), shape: [4, 256, 256] };
const big2 = { data: random(4 * 256 * 256, 4), shape: [4, 256, 256] };
const vol = { data: random(64 * 128 * 128, 5), shape: [64, 128, 128] };
const vol2 = { data: random(64 * 128 * 128, 6), shape: [64, 128, 128] };
const sphere = (r: number) =>
  Uint8Array.from({ length: 64 * 128 * 128 }, (_, i) => {
    const z = Math.floor(i / 16384) - 32;
    const y = (Math.floor(i / 128) % 128) - 64;
    const x = (i % 128) - 64;
    return z * z * 4 + y * y + x * x < r * r ? 1 : 0;
  });

for (const backend of ['wasm', 'cpu'] as const) {
  await tf.setBackend(backend);
  await tf.ready();
  await time('psnr 16 x 128 x 128', backend, () => psnr(batch, batch2, { dataRange: 1 }));
  await time('ssim 16 x 128 x 128', backend, () => ssim(batch, batch2, { dataRange: 1 }));
  await time('ms-ssim 4 x 256 x 256 (5 scales)', backend, () => msSsim(big, big2, { dataRange: 1 }));
  await time('accutance 16 x 128 x 128', backend, () => accutance(batch, { dataRange: 1 }));
  await time('ssim volume 64 x 128 x 128 (3-D window)', backend, () => ssim(vol, vol2, { dataRange: 1, spatialDims: 3 }));
}
await time('hd95 volume 64 x 128 x 128', 'js', () =>
  hausdorffDistance({ data: sphere(40), shape: [64, 128, 128] }, { data: sphere(43), shape: [64, 128, 128] }, { spatialDims: 3 }),
);
if (!quick) {
  const d = 2048;
  const n = 2500;
  const fa = { data: random(n * d, 7), shape: [n, d] as [number, number] };
  const fb = { data: random(n * d, 8), shape: [n, d] as [number, number] };
  const start = performance.now();
  await fid(fa, fb);
  const ms = performance.now() - start;
  results.push({ name: `fid n=${n} d=${d}`, backend: 'js', ms });
  console.log(`js    ${`fid n=${n} d=${d}`.padEnd(48)} ${ms.toFixed(1)} ms`);
  const k0 = performance.now();
  await kid(fa, fb, { subsets: 1, subsetSize: 1000 });
  const kms = performance.now() - k0;
  results.push({ name: `kid one subset m=1000 d=${d}`, backend: 'js', ms: kms });
  console.log(`js    ${`kid one subset m=1000 d=${d}`.padEnd(48)} ${kms.toFixed(1)} ms`);
}

const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'metrics.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 1));
