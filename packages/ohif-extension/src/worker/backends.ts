// The tfjs backends the extension ships, registered by importing them (diffusion-core leaves that
// choice to the app). WebGPU registers itself only where navigator.gpu exists; WebGL and WASM are
// the fallbacks selectBackend reports on.
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { WasmPaths } from '../model/taskTypes.js';

/**
 * Where tfjs-backend-wasm fetches its .wasm files. Needed in browsers: by default it looks beside
 * the script that loaded it, which in a bundle is not where the .wasm files are.
 */
export function useWasmPaths(paths: WasmPaths | undefined): void {
  if (paths) setWasmPaths(typeof paths === 'string' ? paths : { ...paths });
}
