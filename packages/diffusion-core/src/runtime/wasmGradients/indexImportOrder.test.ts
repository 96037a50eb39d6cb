import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmGradientKernels, WasmKernelUnavailableError, WASM_GRADIENT_KERNEL_NAMES } from './index.js';

// No static import of '@tensorflow/tfjs-backend-wasm' in this file (one process per test file).
it('refuses to register before tfjs-backend-wasm, whose registration would replace these kernels', async () => {
  expect(() => registerWasmGradientKernels()).toThrow(WasmKernelUnavailableError);
  expect(WASM_GRADIENT_KERNEL_NAMES.filter((n) => tf.getKernel(n, 'wasm') !== undefined)).toEqual([]);
  await import('@tensorflow/tfjs-backend-wasm');
  // Only the missing kernels first, then the replacements too.
  expect(registerWasmGradientKernels({ replaceSlowKernels: false })).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
  expect(registerWasmGradientKernels()).toEqual([...WASM_GRADIENT_KERNEL_NAMES]);
  expect(registerWasmGradientKernels({ replaceSlowKernels: false })).toEqual([...WASM_GRADIENT_KERNEL_NAMES]);
});
