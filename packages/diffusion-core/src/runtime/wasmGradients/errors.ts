/** A kernel that a composed wasm gradient kernel builds on is not registered. */
export class WasmKernelUnavailableError extends Error {
  override readonly name = 'WasmKernelUnavailableError';
  constructor(
    readonly kernelName: string,
    readonly backendName: string,
  ) {
    super(
      `Kernel '${kernelName}' is not registered for backend '${backendName}'. ` +
        `Import '@tensorflow/tfjs-backend-wasm' (which registers its kernels) before training on wasm.`,
    );
  }
}

/** A gradient kernel was called with attributes it does not implement; computing anyway would be wrong. */
export class UnsupportedKernelAttributesError extends Error {
  override readonly name = 'UnsupportedKernelAttributesError';
  constructor(
    readonly kernelName: string,
    detail: string,
  ) {
    super(`${kernelName} on wasm (diffusion-core gradient kernels): ${detail}`);
  }
}
