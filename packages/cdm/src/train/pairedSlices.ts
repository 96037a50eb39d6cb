import { ConfigError, ShapeError } from '@meddiff/diffusion-core';
import { applyNormalization, computeNormalization, resize2d } from '@meddiff/imaging';
import { InvalidInputError } from '../errors';
import { modalityIndex, type Modality } from '../modalities';

/**
 * Co-registered multi-contrast slices: [count, channels, size, size] in [-1, 1] (the imaging
 * package's dataset layout, NCHW), one channel per contrast named in `channels`.
 */
export interface PairedSlices {
  data: Float32Array;
  count: number;
  size: number;
  channels: string[];
}

export function validatePairedSlices(s: PairedSlices): void {
  if (s.data.length !== s.count * s.channels.length * s.size * s.size) {
    throw new ShapeError(`Paired slices: ${s.data.length} values are not ${s.count} slices of ${s.channels.length} channels of ${s.size} x ${s.size}.`);
  }
}

/** The channel indices of `modalities` in the set (case-insensitive); a missing one is an error naming what the data has. */
/** One channel of one slice, as a view into the data (no copy). */
export function sliceChannel(s: PairedSlices, slice: number, channel: number): Float32Array {
  const n = s.size * s.size;
  const at = (slice * s.channels.length + channel) * n;
  return s.data.subarray(at, at + n);
}

export function channelIndices(s: PairedSlices, modalities: readonly Modality[]): number[] {
  return modalities.map((m) => {
    const i = modalityIndex(s.channels, m);
    if (i < 0) throw new InvalidInputError(`The data has no '${m}' channel (it has ${s.channels.join(', ')}); build it with that contrast or choose other modalities.`);
    return i;
  });
}

/**
 * Prepares a set for a model: resized to `size` (area when shrinking, bilinear when enlarging)
 * and every channel of every slice re-normalised on its own to [-1, 1] by the given
 * percentiles, as the pipeline normalises its inputs (a no-op for simulated data, which is
 * built that way; data normalised per volume, such as the imaging package's, gets per-slice scaling).
 */
export function prepareSlices(s: PairedSlices, size: number, normalization: { lowPercentile: number; highPercentile: number }): PairedSlices {
  validatePairedSlices(s);
  if (!Number.isInteger(size) || size < 8) throw new ConfigError(`Slice size must be an integer of at least 8, got ${size}.`);
  const n = size * size;
  const out = new Float32Array(s.count * s.channels.length * n);
  const m = s.size * s.size;
  for (let i = 0; i < s.count * s.channels.length; i++) {
    let img = s.data.subarray(i * m, (i + 1) * m);
    if (s.size !== size) img = resize2d(img, s.size, s.size, size, size, s.size > size ? 'area' : 'bilinear');
    let stats;
    try {
      stats = computeNormalization(img, normalization);
    } catch {
      // A blank slice (one value everywhere) stays at the background level.
      out.fill(-1, i * n, (i + 1) * n);
      continue;
    }
    out.set(applyNormalization(img, stats), i * n);
  }
  return { data: out, count: s.count, size, channels: [...s.channels] };
}

/**
 * The chosen channels of the chosen slices, as NHWC values for a tensor of shape
 * [indices.length, size, size, channels.length].
 */
export function gatherNHWC(s: PairedSlices, indices: ArrayLike<number>, channels: readonly number[]): Float32Array {
  const n = s.size * s.size;
  const c = s.channels.length;
  const k = channels.length;
  const out = new Float32Array(indices.length * n * k);
  for (let b = 0; b < indices.length; b++) {
    const item = indices[b]!;
    channels.forEach((ch, j) => {
      const src = (item * c + ch) * n;
      const dst = b * n * k + j;
      for (let p = 0; p < n; p++) out[dst + p * k] = s.data[src + p]!;
    });
  }
  return out;
}

/** At most `count` slices spread evenly over the set (so every virtual subject is represented), as a new set. */
export function spreadSlices(s: PairedSlices, count: number): PairedSlices {
  const items = spreadIndices(s.count, count);
  const per = s.channels.length * s.size * s.size;
  const data = new Float32Array(items.length * per);
  items.forEach((item, t) => data.set(s.data.subarray(item * per, (item + 1) * per), t * per));
  return { ...s, count: items.length, data };
}

/** The indices spreadSlices keeps: `count` of `total`, evenly spaced (all when count >= total). */
export function spreadIndices(total: number, count: number): number[] {
  const k = Math.min(count, total);
  return Array.from({ length: k }, (_, t) => Math.floor((t * total) / k));
}
