// The worker imports the tfjs backends the app ships (optional peers of @meddiff/diffusion-core) and
// tells tfjs-backend-wasm where its .wasm files are served; selectBackend picks the first that starts.
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '@meddiff/diffusion-core';
import { MedCDiffPipeline } from '@meddiff/med-cdiff';

setWasmPaths('/tfjs-wasm/'); // a copy of node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm
const ready = (async () => {
  const backend = await selectBackend({ preferred: ['webgpu', 'wasm'] });
  const pipeline = await MedCDiffPipeline.load('/models/med-cdiff-denoising-tiny/'); // model.json and its shards
  return { backend, pipeline };
})();

self.onmessage = async ({ data: slice }) => {
  try {
    const { backend, pipeline } = await ready;
    const result = await pipeline.denoise(slice, { sampler: 'ddim', steps: 5, seed: 1 });
    self.postMessage({ backend: backend.summary, shape: result.image.shape, data: result.image.data }, [result.image.data.buffer]);
  } catch (e) {
    self.postMessage({ error: `${e.name} (${e.code}): ${e.message}` });
  }
};
