import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { ATTENTION_KERNEL_FUNCS, registerAttentionGradient } from './attention.js';
import { batchMatMulKernel } from './batchMatMul.js';
import { GROUP_NORM_KERNEL_FUNCS, registerGroupNormGradient } from './groupNorm.js';
import { conv2DBackpropFilterKernel } from './conv2dBackpropFilter.js';
import { WasmKernelUnavailableError } from './errors.js';
import { identityKernel } from './identity.js';
import { conv2DBackpropInputKernel } from './conv2dBackpropInput.js';
import { meanKernel, sumKernel } from './reduceSum.js';
import { resizeNearestNeighborGradKernel } from './resizeNearestNeighborGrad.js';
import { splitVKernel } from './splitV.js';
import { unsortedSegmentSumKernel } from './unsortedSegmentSum.js';

export { UnsupportedKernelAttributesError, WasmKernelUnavailableError } from './errors.js';

const BACKEND = 'wasm';

/** Marks kernel functions made here, so a second call recognises them. */
const ours = new WeakSet<object>();

interface Provided {
  readonly kernelName: string;
  /** True when tfjs-backend-wasm 4.22 has no such kernel; false for replacements of slow ones. */
  readonly missing: boolean;
  /** Builds the config, given the kernel registered before (if any). */
  readonly make: (previous: KernelConfig | undefined) => KernelConfig;
}

const PROVIDED: readonly Provided[] = [
  // Missing in tfjs-backend-wasm 4.22.
  { kernelName: 'Conv2DBackpropFilter', missing: true, make: () => conv2DBackpropFilterKernel(BACKEND) },
  { kernelName: 'UnsortedSegmentSum', missing: true, make: () => unsortedSegmentSumKernel(BACKEND) },
  // Fused kernels of our own (no upstream name), which the layers use in place of several tfjs ops;
  // counted with the replacements, so that { replaceSlowKernels: false } trains as upstream would.
  // Attention without keeping its N x N scores (nn/multiHeadAttention), and group normalisation in
  // two passes over the heap (nn/groupNormalization), each with its gradient.
  ...Object.entries({ ...ATTENTION_KERNEL_FUNCS, ...GROUP_NORM_KERNEL_FUNCS }).map(([kernelName, kernelFunc]) => ({ kernelName, missing: false, make: () => ({ kernelName, backendName: BACKEND, kernelFunc }) })),
  // Present but a scalar C++ loop, about 10x slower than XNNPACK.
  { kernelName: 'Conv2DBackpropInput', missing: false, make: (previous) => conv2DBackpropInputKernel(BACKEND, previous) },
  // Present, but only untransposed single products reach XNNPACK; the rest
  // (every matmul gradient, batched attention products) is a scalar loop.
  { kernelName: 'BatchMatMul', missing: false, make: (previous) => batchMatMulKernel(BACKEND, previous) },
  // Present, but reductions over outer axes (bias gradients, broadcast
  // gradients, group-norm statistics) transpose the whole input first.
  { kernelName: 'Sum', missing: false, make: (previous) => sumKernel(BACKEND, previous) },
  { kernelName: 'Mean', missing: false, make: (previous) => meanKernel(BACKEND, previous) },
  // Present, but each part re-reads the whole input (concat gradients).
  { kernelName: 'SplitV', missing: false, make: (previous) => splitVKernel(BACKEND, previous) },
  // Present, but a scalar window search per pixel (upSampling2d gradients).
  { kernelName: 'ResizeNearestNeighborGrad', missing: false, make: (previous) => resizeNearestNeighborGradKernel(BACKEND, previous) },
  // Present, but copies: the engine clones every tensor it saves for backward.
  { kernelName: 'Identity', missing: false, make: (previous) => identityKernel(BACKEND, previous) },
];

/** Kernel names that `registerWasmGradientKernels` provides on the wasm backend. */
export const WASM_GRADIENT_KERNEL_NAMES: readonly string[] = Object.freeze(PROVIDED.map((p) => p.kernelName));

export interface WasmGradientKernelOptions {
  /**
   * Also replace the backend kernels that exist but are slow (default true).
   * False registers only the missing ones, e.g. to compare against upstream.
   */
  readonly replaceSlowKernels?: boolean;
}

/**
 * Registers, for tfjs's global 'wasm' backend, the gradient kernels that a
 * U-Net training step needs and tfjs-backend-wasm 4.22 lacks or runs slowly:
 * the arithmetic runs in the backend's own XNNPACK convolution and GEMM
 * kernels; pure data movement (transposes, splits, outer-axis sums) runs as
 * copies on its heap. Call once after importing
 * '@tensorflow/tfjs-backend-wasm' (before or after `tf.setBackend('wasm')`);
 * throws WasmKernelUnavailableError when that backend's kernels are not
 * registered yet. Idempotent: a kernel registered once stays (nothing is
 * ever unregistered). Returns the names of the kernels now provided.
 */
export function registerWasmGradientKernels(options: WasmGradientKernelOptions = {}): string[] {
  const replaceSlow = options.replaceSlowKernels ?? true;
  // Registering before tfjs-backend-wasm would be undone by its own
  // registration of the same kernel names, so refuse instead.
  if (tf.getKernel('Conv2D', BACKEND) === undefined) throw new WasmKernelUnavailableError('Conv2D', BACKEND);
  registerAttentionGradient();
  registerGroupNormGradient();
  for (const p of PROVIDED) {
    const previous = tf.getKernel(p.kernelName, BACKEND);
    if (previous !== undefined && ours.has(previous.kernelFunc)) continue;
    if (!p.missing && !replaceSlow) continue;
    const config = p.make(previous);
    ours.add(config.kernelFunc);
    if (previous !== undefined) tf.unregisterKernel(p.kernelName, BACKEND);
    // Keep the replaced kernel's setup (it binds its wasm function) so the fallback path still works.
    tf.registerKernel(previous?.setupFunc === undefined ? config : { ...config, setupFunc: previous.setupFunc });
  }
  return PROVIDED.filter((p) => ours.has(tf.getKernel(p.kernelName, BACKEND)?.kernelFunc ?? {})).map((p) => p.kernelName);
}
