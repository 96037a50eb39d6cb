import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { registerWasmGradientKernels } from './wasmGradients/index';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendChoice {
  backend: BackendName;
  /** Each preferred backend that was skipped, with the reason, in the order tried. */
  unavailable: Array<{ backend: BackendName; reason: string }>;
  /** One sentence for a status line: what runs and why the better ones do not. */
  summary: string;
}

export interface SelectBackendOptions {
  /** Order to try. Default: webgpu, webgl, wasm in a browser; wasm in Node (WebGPU in Node needs installNodeWebGPU). */
  preferred?: readonly BackendName[];
}

/**
 * Each backend's package, an optional peer of this one. A browser app imports the backends it ships
 * (and, for wasm, calls its `setWasmPaths`); where a backend is not registered yet (Node, tests) it
 * is imported here by a name bundlers do not follow, so no app is made to install backends it skips.
 */
export const BACKEND_PACKAGES = {
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
} as const satisfies Record<BackendName, string>;

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

function defaultOrder(): BackendName[] {
  if (isNode) {
    const hasGpu = !!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
    return hasGpu ? ['webgpu', 'wasm'] : ['wasm'];
  }
  return ['webgpu', 'webgl', 'wasm'];
}

/** Why a backend cannot start here, or null when it may. Checked before tfjs tries, so the reason is ours to state. */
async function precheck(name: BackendName): Promise<string | null> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  switch (name) {
    case 'webgpu': {
      if (!nav?.gpu) return isNode ? 'Node has no navigator.gpu; call installNodeWebGPU() from @meddiff/diffusion-core/node first' : 'this browser does not expose WebGPU (navigator.gpu is missing; Chrome 113+ or Edge 113+, or a flag, is needed)';
      const adapter = await nav.gpu.requestAdapter().catch(() => null);
      return adapter ? null : 'WebGPU is exposed but no GPU adapter is available (blocklisted driver, or GPU disabled)';
    }
    case 'webgl':
      if (isNode) return 'WebGL needs a browser';
      try {
        const canvas = new OffscreenCanvas(1, 1);
        return canvas.getContext('webgl2') ? null : 'no WebGL2 context could be created';
      } catch {
        return 'no WebGL2 context could be created';
      }
    case 'wasm':
      return typeof WebAssembly === 'undefined' ? 'WebAssembly is not available' : null;
    case 'cpu':
      return null;
  }
}

async function importBackend(name: BackendName): Promise<void> {
  const pkg: string = BACKEND_PACKAGES[name];
  try {
    await import(/* @vite-ignore */ /* webpackIgnore: true */ pkg);
  } catch (e) {
    throw new BackendError(`${pkg} is not loaded (${(e as Error).message.split('\n')[0]}): a browser app imports it itself (import '${pkg}'); in Node, npm install ${pkg}@4.22.0`);
  }
}

async function registerBackend(name: BackendName): Promise<void> {
  if (!tf.findBackendFactory(name)) await importBackend(name);
  // tfjs-backend-webgpu registers itself only if navigator.gpu existed when it was first imported.
  if (name === 'webgpu' && !tf.findBackendFactory('webgpu')) {
    throw new BackendError('@tensorflow/tfjs-backend-webgpu was imported before navigator.gpu existed, so it did not register; in Node, call installNodeWebGPU() before anything imports it.');
  }
  // The stock wasm backend lacks Conv2DBackpropFilter and runs several kernels in scalar loops.
  if (name === 'wasm') registerWasmGradientKernels();
}

/**
 * Picks the first backend in the preferred order that starts here, sets it as tfjs's backend and
 * says which one runs and why each better one did not. Throws BackendError when none starts.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const order = [...(options.preferred ?? defaultOrder())];
  const unknown = order.filter((b) => !BACKEND_NAMES.includes(b));
  if (unknown.length) throw new BackendError(`Unknown backend(s) ${unknown.join(', ')}. Allowed: ${BACKEND_NAMES.join(', ')}.`);
  const unavailable: BackendChoice['unavailable'] = [];
  for (const backend of order) {
    const reason = await precheck(backend);
    if (reason) {
      unavailable.push({ backend, reason });
      continue;
    }
    try {
      await registerBackend(backend);
      if (await tf.setBackend(backend)) {
        await tf.ready();
        const skipped = unavailable.map((u) => `${u.backend}: ${u.reason}`).join('; ');
        return { backend, unavailable, summary: skipped ? `Running on ${backend} (${skipped}).` : `Running on ${backend}.` };
      }
      unavailable.push({ backend, reason: 'tfjs could not initialise it' });
    } catch (e) {
      unavailable.push({ backend, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new BackendError(`No TensorFlow.js backend could start. Tried: ${unavailable.map((u) => `${u.backend} (${u.reason})`).join('; ')}.`);
}
