// The app imports the tfjs backends it ships (optional peers of @meddiff/diffusion-core) and tells
// tfjs-backend-wasm where its .wasm files are served; selectBackend picks the first that starts.
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '@meddiff/diffusion-core';
import { MedCDiffPipeline } from '@meddiff/med-cdiff';

setWasmPaths('/tfjs-wasm/'); // a copy of node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm
const backend = await selectBackend({ preferred: ['webgpu', 'wasm'] });
const pipeline = await MedCDiffPipeline.load('/models/med-cdiff-denoising-tiny/'); // model.json and its shards
const [rows, cols] = [64, 64];
const data = Float32Array.from({ length: rows * cols }, (_, i) => 300 + (i % cols) + 80 * Math.sin(i / 9));
const result = await pipeline.denoise({ data, shape: [rows, cols] }, { sampler: 'ddim', steps: 5, seed: 1 });
document.querySelector('#out').textContent = `${backend.summary} Denoised ${result.image.shape.join(' x ')} pixels.`;
pipeline.dispose();
