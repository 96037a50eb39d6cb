import * as tf from '@tensorflow/tfjs-core';

const size = (shape: number[] | undefined) => (shape ?? []).reduce((a, b) => a * b, 1);

/**
 * Floating-point operations (2 per multiply-add) of the convolutions and matrix products a
 * computation ran, counted from the kernels' shapes under tf.profile: the work that dominates a
 * U-Net, forward and backward. Element-wise kernels (norms, activations) are left out, so GFLOP/s
 * from this count is a lower bound of what the hardware did.
 */
export async function countFlops(work: () => Promise<unknown>): Promise<number> {
  const info = await tf.profile(async () => {
    await work();
    return tf.scalar(0);
  });
  return info.kernels.reduce((sum, k) => sum + kernelFlops(k), 0);
}

/** The floating-point operations of one profiled kernel call (0 for kernels this count leaves out). */
export function kernelFlops(k: { name: string; inputShapes: unknown[]; outputShapes: unknown[] }): number {
  const [a, b] = k.inputShapes as number[][];
  const out = k.outputShapes[0] as number[] | undefined;
  if (k.name === 'Conv2D' || k.name === 'FusedConv2D') return 2 * size(out) * size(b!.slice(0, 3)); // filter [kh, kw, cin, cout]
  if (k.name === 'Conv2DBackpropInput') return 2 * size(a) * size(b!.slice(0, 3)); // dy x filter
  if (k.name === 'Conv2DBackpropFilter') return 2 * size(b) * size(out!.slice(0, 3)); // dy x filter [kh, kw, cin]
  if (k.name === 'MedDiffAttention' || k.name === 'MedDiffAttentionGrad') {
    // qkv [b, N, 3C]: q k^T and P v are 2 N^2 C each; the gradient's dP, dq, dk, dv four more
    // (its recomputation of P is not counted: the work is what the composed ops would do).
    const [images, n, c3] = (k.name === 'MedDiffAttention' ? a : b) as [number, number, number];
    return (k.name === 'MedDiffAttention' ? 4 : 8) * images * n * n * (c3 / 3);
  }
  if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul' || k.name === 'MatMul') {
    const batch = out!.length > 2 ? size(out!.slice(0, -2)) : 1;
    return 2 * size(out) * Math.round(Math.sqrt((size(a) * size(b)) / (size(out) * batch)));
  }
  return 0;
}
