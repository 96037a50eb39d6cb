import * as tf from '@tensorflow/tfjs-core';

/**
 * Registers the gradient of our fused kernel `forward` as one call of kernel `gradient`, which takes
 * dy and the saved tensors (forward's `saveInputs`, then its output when `saveOutput`, by `names`)
 * and returns one gradient per name in `gradsFor`, in that order.
 */
export function registerFusedGradient(forward: string, gradient: string, o: { saveInputs: string[]; saveOutput: boolean; names: string[]; gradsFor: string[] }): void {
  if (tf.getGradient(forward) !== undefined) return;
  tf.registerGradient({
    kernelName: forward,
    inputsToSave: o.saveInputs,
    ...(o.saveOutput ? { outputsToSave: [true] } : {}),
    gradFunc: (dy, saved, attrs) => {
      const inputs = Object.fromEntries(o.names.map((name, i) => [name, saved[i]!]));
      const grads = [tf.engine().runKernel(gradient, { dy: dy as tf.Tensor, ...inputs }, attrs)].flat() as tf.Tensor[];
      return Object.fromEntries(o.gradsFor.map((name, i) => [name, () => grads[i]!]));
    },
  });
}
