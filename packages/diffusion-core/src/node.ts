/**
 * Node-only helpers. Kept out of the main entry so browser bundles never see node: imports.
 */
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from './errors';
import { selectBackend, type BackendChoice } from './runtime/selectBackend';

export { fileWeightsStore } from './io/fileWeightsStore';
export { consoleTrainingLogger } from './train/consoleTrainingLogger';
export { dataParallelGradients, TrainingWorkerError } from './train/dataParallel/dataParallelGradients';
export type { DataParallelOptions } from './train/dataParallel/dataParallelGradients';
export { siblingModule } from './runtime/siblingModule';
export { startModuleWorker } from './runtime/startModuleWorker';
export { interruptible } from './runtime/interruptible';

/** Chromium's software Vulkan driver from Debian's `chromium` package: WebGPU in Node without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeWebGPUInfo {
  adapter: string;
  /** The Vulkan driver manifest used, when one was set. */
  vulkanIcd: string | undefined;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Exposes WebGPU to Node through Dawn (the `webgpu` npm package) as `navigator.gpu`, so
 * tfjs-backend-webgpu runs in Node. Without a GPU driver it falls back to SwiftShader when
 * Chromium's copy is installed (set VK_ICD_FILENAMES yourself to choose another driver).
 * Must be called before the first WebGPU use; idempotent.
 */
export async function installNodeWebGPU(): Promise<NodeWebGPUInfo> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!process.env.VK_ICD_FILENAMES && readable(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // Dawn's Vulkan loader wants a writable runtime dir; CI containers often have none.
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'meddiff-xdg-'));
  if (!g.navigator?.gpu) {
    let mod: { create(flags: string[]): GPU; globals: object };
    try {
      mod = (await import('webgpu')) as unknown as typeof mod;
    } catch (e) {
      throw new BackendError(`WebGPU in Node needs the 'webgpu' package (npm install webgpu@0.6.2): ${(e as Error).message}`);
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const adapter = await g.navigator!.gpu!.requestAdapter();
  if (!adapter) {
    throw new BackendError(`Dawn found no WebGPU adapter. Install Debian's 'chromium' package for its SwiftShader driver (${SWIFTSHADER_ICD}) or point VK_ICD_FILENAMES at a Vulkan driver.`);
  }
  const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
  return { adapter: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown', vulkanIcd: process.env.VK_ICD_FILENAMES };
}

/** The backends a Node command offers: WASM on any CPU, WebGPU through Dawn. */
export type NodeBackend = 'wasm' | 'webgpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'webgpu'];

/** Makes `backend` tfjs's backend in Node, exposing WebGPU through Dawn first when it is asked for. */
export async function selectNodeBackend(backend: NodeBackend): Promise<BackendChoice> {
  if (!NODE_BACKENDS.includes(backend)) throw new BackendError(`Unknown backend '${String(backend)}'. Allowed in Node: ${NODE_BACKENDS.join(', ')}.`);
  if (backend === 'webgpu') await installNodeWebGPU();
  return selectBackend({ preferred: [backend] });
}
