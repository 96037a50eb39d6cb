/**
 * Exact squared Euclidean distance from every grid point to the nearest
 * feature point (`feature[i] = 1`), with per-axis spacing, by the separable
 * lower-envelope-of-parabolas method (Felzenszwalb and Huttenlocher, Theory of
 * Computing 2012). The same values as scipy.ndimage.distance_transform_edt of
 * the complement, squared. Points are row-major in `shape`. Without any feature
 * point every distance is Infinity.
 */
export function squaredDistanceTransform(
  feature: Uint8Array,
  shape: readonly number[],
  spacing: readonly number[],
): Float64Array {
  const total = feature.length;
  const dist = new Float64Array(total);
  for (let i = 0; i < total; i++) dist[i] = feature[i] ? 0 : Infinity;
  let stride = total;
  for (let axis = 0; axis < shape.length; axis++) {
    const n = shape[axis] as number;
    stride /= n;
    const h = spacing[axis] as number;
    const line = new Float64Array(n);
    const out = new Float64Array(n);
    const hull = new Int32Array(n);
    const bounds = new Float64Array(n + 1);
    const outer = total / (n * stride);
    for (let o = 0; o < outer; o++) {
      for (let s = 0; s < stride; s++) {
        const base = o * n * stride + s;
        for (let i = 0; i < n; i++) line[i] = dist[base + i * stride] as number;
        lowerEnvelope(line, out, n, h, hull, bounds);
        for (let i = 0; i < n; i++) dist[base + i * stride] = out[i] as number;
      }
    }
  }
  return dist;
}

/** out[q] = min_p (h (q - p))^2 + f[p] along one line (F&H algorithm 1, with spacing h). */
function lowerEnvelope(
  f: Float64Array,
  out: Float64Array,
  n: number,
  h: number,
  hull: Int32Array,
  bounds: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q] as number;
    if (fq === Infinity) continue;
    // Position (in index units) where parabola q overtakes parabola hull[k].
    let s = 0;
    while (k >= 0) {
      const p = hull[k] as number;
      s = ((fq + (h * q) ** 2) - ((f[p] as number) + (h * p) ** 2)) / (2 * h * h * (q - p));
      if (s <= (bounds[k] as number)) k--;
      else break;
    }
    k++;
    hull[k] = q;
    bounds[k] = k === 0 ? -Infinity : s;
    bounds[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while ((bounds[j + 1] as number) < q) j++;
    const p = hull[j] as number;
    out[q] = (h * (q - p)) ** 2 + (f[p] as number);
  }
}
