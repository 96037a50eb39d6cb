/**
 * Binary morphology on 3-D masks (Uint8Array, [depth, rows, cols], index (k * rows + j) * cols + i)
 * with box structuring elements: a box is separable, so erosion and dilation are three 1-D
 * min/max passes, O(voxels x radius).
 */
export type Shape3 = readonly [number, number, number];

function pass(src: Uint8Array, shape: Shape3, axis: 0 | 1 | 2, radius: number, dilate: boolean): Uint8Array {
  if (radius <= 0) return src.slice();
  const [d, r, c] = shape;
  const stride = axis === 2 ? 1 : axis === 1 ? c : r * c;
  const length = shape[axis];
  const out = new Uint8Array(src.length);
  const lines = (d * r * c) / length;
  const line = new Uint8Array(length);
  for (let l = 0; l < lines; l++) {
    // The start of line l along `axis`.
    let start: number;
    if (axis === 2) start = l * c;
    else if (axis === 1) start = Math.floor(l / c) * r * c + (l % c);
    else start = l;
    for (let t = 0; t < length; t++) line[t] = src[start + t * stride]!;
    // Running count of set voxels in the window: dilation wants any, erosion wants all.
    let count = 0;
    for (let t = 0; t < Math.min(radius, length); t++) count += line[t]!;
    for (let t = 0; t < length; t++) {
      const enter = t + radius;
      const leave = t - radius - 1;
      if (enter < length) count += line[enter]!;
      if (leave >= 0) count -= line[leave]!;
      const window = Math.min(length - 1, t + radius) - Math.max(0, t - radius) + 1;
      // Outside the volume counts as empty for erosion (the border erodes), absent for dilation.
      const full = Math.min(t, radius) + Math.min(length - 1 - t, radius) + 1 === 2 * radius + 1;
      out[start + t * stride] = dilate ? (count > 0 ? 1 : 0) : count === window && full ? 1 : 0;
    }
  }
  return out;
}

/** Radii in voxels per axis [k, j, i]. */
export function erode(mask: Uint8Array, shape: Shape3, radius: Shape3): Uint8Array {
  return pass(pass(pass(mask, shape, 2, radius[2], false), shape, 1, radius[1], false), shape, 0, radius[0], false);
}

export function dilate(mask: Uint8Array, shape: Shape3, radius: Shape3): Uint8Array {
  return pass(pass(pass(mask, shape, 2, radius[2], true), shape, 1, radius[1], true), shape, 0, radius[0], true);
}

/** The largest 6-connected component of a mask (an empty mask stays empty). */
export function largestComponent(mask: Uint8Array, shape: Shape3): Uint8Array {
  const [d, r, c] = shape;
  const labels = new Int32Array(mask.length);
  const queue = new Int32Array(mask.length);
  let best = 0;
  let bestSize = 0;
  let label = 0;
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    label++;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    labels[s] = label;
    while (head < tail) {
      const v = queue[head++]!;
      const i = v % c;
      const jk = (v - i) / c;
      const j = jk % r;
      const k = (jk - j) / r;
      // Six neighbours, unrolled: this loop runs once per voxel of a head scan (millions).
      let n = v - 1;
      if (i > 0 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
      n = v + 1;
      if (i < c - 1 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
      n = v - c;
      if (j > 0 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
      n = v + c;
      if (j < r - 1 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
      n = v - r * c;
      if (k > 0 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
      n = v + r * c;
      if (k < d - 1 && mask[n] && !labels[n]) ((labels[n] = label), (queue[tail++] = n));
    }
    if (tail > bestSize) {
      bestSize = tail;
      best = label;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let v = 0; v < mask.length; v++) out[v] = labels[v] === best && best > 0 ? 1 : 0;
  return out;
}

/** Fills holes slice by slice (in each k-slice, empty pixels not 4-connected to the slice border become set). */
export function fillHolesPerSlice(mask: Uint8Array, shape: Shape3): Uint8Array {
  const [d, r, c] = shape;
  const out = mask.slice();
  const n = r * c;
  const outside = new Uint8Array(n);
  const queue = new Int32Array(n);
  for (let k = 0; k < d; k++) {
    const base = k * n;
    outside.fill(0);
    let tail = 0;
    const seed = (p: number) => {
      if (!mask[base + p] && !outside[p]) {
        outside[p] = 1;
        queue[tail++] = p;
      }
    };
    for (let i = 0; i < c; i++) {
      seed(i);
      seed((r - 1) * c + i);
    }
    for (let j = 0; j < r; j++) {
      seed(j * c);
      seed(j * c + c - 1);
    }
    let head = 0;
    while (head < tail) {
      const p = queue[head++]!;
      const i = p % c;
      if (i > 0) seed(p - 1);
      if (i < c - 1) seed(p + 1);
      if (p >= c) seed(p - c);
      if (p < n - c) seed(p + c);
    }
    for (let p = 0; p < n; p++) if (!outside[p]) out[base + p] = 1;
  }
  return out;
}
