import { ConfigError } from '@meddiff/diffusion-core';
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
}

export function validateAugmentation(a: AugmentationConfig): void {
  const [lo, hi] = a.gamma ?? [];
  if (typeof a.dihedral !== 'boolean') throw new ConfigError(`augmentation.dihedral must be true or false, got ${String(a.dihedral)}.`);
  if (!(lo! > 0 && hi! >= lo!)) throw new ConfigError(`augmentation.gamma must be a range [low, high] with 0 < low <= high, got [${String(lo)}, ${String(hi)}].`);
}

/**
 * The augmented copy of a square slice (values in [-1, 1]), drawing its symmetry and curve from
 * `random`. Symmetry k: k % 4 quarter turns from the row axis towards the column axis (out[i][j] =
 * in[j][n - 1 - i] per turn, as torch.rot90 on (H, W)), then, for k >= 4, the columns mirrored.
 */
export function augmentSlice(image: Float32Array, size: number, a: AugmentationConfig, random: Random): Float32Array {
  let out = image;
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
