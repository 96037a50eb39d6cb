import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScratch } from './kernelScratch.js';

const TILE = 32;

/**
 * dst[b, c, r] = src[b, r, c] for b < batch, r < rows, c < cols, in square
 * tiles so that both reads and writes stay within a few cache lines. The wasm
 * backend's Transpose has no tiling and slows down badly on power-of-two row
 * lengths (about 100 ms for [4, 1024, 1024] against about 10 ms here).
 */
export function transposeTiled(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  const plane = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * plane;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        // Contiguous writes, strided reads: measured about 2x faster than the converse here.
        for (let c = c0; c < c1; c++) {
          let to = base + c * rows + r0;
          let from = base + r0 * cols + c;
          for (let r = r0; r < r1; r++) {
            dst[to] = src[from] as number;
            to += 1;
            from += cols;
          }
        }
      }
    }
  }
}

/** [batch, rows, cols] float32 view of `x` -> new [batch, cols, rows] tensor, on the backend's heap. */
export function transposeInnerOnHeap(scratch: KernelScratch, x: TensorInfo, batch: number, rows: number, cols: number): TensorInfo {
  const out = scratch.allocate([batch, cols, rows]);
  transposeTiled(scratch.view(x), scratch.view(out), batch, rows, cols);
  return out;
}
