/**
 * Surface voxels of a binary mask: voxels of the mask with at least one
 * face neighbour (4-connectivity in 2-D, 6 in 3-D) outside it, where outside
 * the grid counts as background. The same as `mask XOR binary_erosion(mask)`
 * in scipy.ndimage with its default cross-shaped structure and border_value 0
 * (MONAI's get_mask_edges).
 */
export function maskSurface(mask: Uint8Array, shape: readonly number[]): Uint8Array {
  const out = new Uint8Array(mask.length);
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((p, s) => p * s, 1));
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      let rest = i;
      for (let a = 0; a < shape.length; a++) {
        coord[a] = Math.floor(rest / (strides[a] as number));
        rest -= (coord[a] as number) * (strides[a] as number);
      }
      let onSurface = false;
      for (let a = 0; a < shape.length && !onSurface; a++) {
        const c = coord[a] as number;
        const st = strides[a] as number;
        if (c === 0 || c === (shape[a] as number) - 1 || !mask[i - st] || !mask[i + st]) onSurface = true;
      }
      if (onSurface) out[i] = 1;
    }
  }
  return out;
}
