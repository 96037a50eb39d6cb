import * as tf from '@tensorflow/tfjs-core';

/**
 * Names of the kernels that `fn` runs (forward and, when `fn` takes gradients,
 * backward), in first-use order, recorded with the tfjs profiler on the active
 * backend. Ops with a custom gradient (such as tf.fused.conv2d) are recorded
 * under names that are no kernel; they are left out. Kernels that a backend
 * calls directly inside another kernel are not seen; running `fn` on the
 * target backend remains the final check.
 */
export async function kernelsUsedBy(fn: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => {
    const result = fn();
    // profile() keeps the result alive; nothing of it is needed here.
    tf.dispose(result);
    return tf.scalar(0);
  });
  tf.dispose(info.result as tf.Tensor);
  const backendName = tf.getBackend();
  return info.kernelNames.filter((name) => tf.getKernel(name, backendName) !== undefined);
}

/** The subset of `kernelNames` that `backendName` has no kernel registered for. */
export function kernelsMissingOn(backendName: string, kernelNames: readonly string[]): string[] {
  const registered = new Set(tf.getKernelsForBackend(backendName).map((k) => k.kernelName));
  return kernelNames.filter((name) => !registered.has(name));
}
