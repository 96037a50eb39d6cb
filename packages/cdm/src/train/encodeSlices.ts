import * as tf from '@tensorflow/tfjs-core';
import { yieldToEventLoop } from '@meddiff/diffusion-core';
import type { MaskedRepresentationModel } from '../nn/mrm';
import type { VectorSet } from './batchSources';
import { gatherNHWC, type PairedSlices } from './pairedSlices';

/** The MRM's vectors of the chosen channels of every slice, concatenated per slice in channel order: [count, channels x D]. */
export async function encodeSlices(mrm: MaskedRepresentationModel, slices: PairedSlices, channels: readonly number[], chunk = 32): Promise<VectorSet> {
  const dim = mrm.dim * channels.length;
  const data = new Float32Array(slices.count * dim);
  for (let start = 0; start < slices.count; start += chunk) {
    const items = Array.from({ length: Math.min(chunk, slices.count - start) }, (_, i) => start + i);
    const images = tf.tensor4d(gatherNHWC(slices, items, channels), [items.length, slices.size, slices.size, channels.length]);
    const vectors = mrm.encodeChannels(images);
    data.set((await vectors.data()) as Float32Array, start * dim);
    tf.dispose([images, vectors]);
    await yieldToEventLoop();
  }
  return { data, dim };
}
