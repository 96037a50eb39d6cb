import { ConfigError } from '@meddiff/diffusion-core';
import { resize2d } from '@meddiff/imaging';
import type { Random } from './random';

/**
 * Training-time augmentation of the clean slice, before it is degraded: new orientations and
 * contrasts of the same anatomy, so a model trained on a few dozen volumes sees more than their
 * slices (the paper trains without; here it is a recipe choice, saved in the config).
 */
export interface AugmentationConfig {
  /** One of the 8 symmetries of the square (quarter turns, then an optional mirror), each equally likely. */
  dihedral: boolean;
  /** An intensity curve x -> 2 ((x + 1) / 2)^g - 1 with g log-uniform in [low, high]; [1, 1] for none. */
  gamma: [number, number];
  /**
   * Train on crops of larger slices: each slice resized (area) to a side of s x imageSize, s
   * log-uniform in [low, high] (1 <= low <= high), then an imageSize crop at a uniform offset, so
   * the anatomy is seen at several scales and positions, not only each slice whole. The slices must
   * be at least high x imageSize px. Absent: the slices are used whole, at imageSize.
   */
  scales?: [number, number];
}

export function validateAugmentation(a: AugmentationConfig): void {
  const [lo, hi] = a.gamma ?? [];
  if (typeof a.dihedral !== 'boolean') throw new ConfigError(`augmentation.dihedral must be true or false, got ${String(a.dihedral)}.`);
  if (!(lo! > 0 && hi! >= lo!)) throw new ConfigError(`augmentation.gamma must be a range [low, high] with 0 < low <= high, got [${String(lo)}, ${String(hi)}].`);
  if (a.scales !== undefined) {
    const [sLo, sHi] = a.scales;
    if (!(sLo! >= 1 && sHi! >= sLo!)) throw new ConfigError(`augmentation.scales must be a range [low, high] with 1 <= low <= high, got [${String(sLo)}, ${String(sHi)}].`);
  }
}

/**
 * The augmented copy of a square slice (values in [-1, 1]), drawing its symmetry and curve from
 * `random`. Symmetry k: k % 4 quarter turns from the row axis towards the column axis (out[i][j] =
 * in[j][n - 1 - i] per turn, as torch.rot90 on (H, W)), then, for k >= 4, the columns mirrored.
 */
export function augmentSlice(image: Float32Array, size: number, a: AugmentationConfig, random: Random, outSize = size): Float32Array {
  let out = image;
  if (a.scales) {
    out = zoomCrop(image, size, outSize, a.scales, random);
    size = outSize;
  }
  if (a.dihedral) {
    const k = random.integer(0, 8);
    for (let turn = 0; turn < k % 4; turn++) out = quarterTurn(out, size);
    if (k >= 4) out = mirrorColumns(out, size);
  }
  const [lo, hi] = a.gamma;
  if (hi > lo || lo !== 1) {
    const g = Math.exp(random.uniform(Math.log(lo), Math.log(hi)));
    out = out.map((x) => 2 * Math.max(0, Math.min(1, (x + 1) / 2)) ** g - 1);
  }
  return out === image ? image.slice() : out;
}

/** A crop of outSize px from the square slice resized to a side drawn log-uniform in [low, high] x outSize. */
function zoomCrop(image: Float32Array, size: number, outSize: number, [lo, hi]: [number, number], random: Random): Float32Array {
  const side = Math.min(size, Math.max(outSize, Math.round(outSize * Math.exp(random.uniform(Math.log(lo), Math.log(hi))))));
  const zoomed = side === size ? image : resize2d(image, size, size, side, side, 'area');
  const top = random.integer(0, side - outSize + 1);
  const left = random.integer(0, side - outSize + 1);
  const out = new Float32Array(outSize * outSize);
  for (let i = 0; i < outSize; i++) out.set(zoomed.subarray((top + i) * side + left, (top + i) * side + left + outSize), i * outSize);
  return out;
}

function quarterTurn(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = x[j * n + (n - 1 - i)]!;
  return out;
}

function mirrorColumns(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = x[i * n + (n - 1 - j)]!;
  return out;
}
