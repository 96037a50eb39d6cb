// The ES module the OHIF app loads from app-config.js `extensions`: its default export is the extension.
import { createExtension } from '../extension.js';

export default createExtension({
  createWorker: () => new Worker(new URL('./meddiff-inference-worker.js', import.meta.url), { type: 'module', name: 'meddiff-inference' }),
  wasmPaths: new URL('./tfjs-wasm/', import.meta.url).href,
});
