// The extension OHIF registers: the package's default export, and the prebuilt plugin's. Its worker
// and tfjs's .wasm files are named with `new URL('./…', import.meta.url)`, which webpack, rspack and
// Vite turn into emitted files in an app's build, and which the prebuilt plugin resolves beside
// itself; so both routes find them without configuration (the app config's `meddiff.wasmPaths`
// still overrides the .wasm location).
import { createExtension } from './extension.js';

export default createExtension({
  createWorker: () => new Worker(new URL('./inferenceWorker.js', import.meta.url), { type: 'module', name: 'meddiff-inference' }),
  wasmPaths: {
    'tfjs-backend-wasm.wasm': new URL('./tfjs-wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./tfjs-wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  },
});
