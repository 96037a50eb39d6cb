import { SimulationError } from '../errors';

/** Intensities gathered into a histogram: bin centres and how many values fell in each. */
export interface Histogram {
  centres: Float64Array;
  counts: Float64Array;
}

export function histogram(values: ArrayLike<number>, include: (i: number) => boolean, bins = 256): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!include(i)) continue;
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) throw new SimulationError(`The region to segment has ${Number.isFinite(lo) ? `a single intensity (${lo})` : 'no voxels'}: no tissue contrast to cluster.`);
  const counts = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    if (!include(i)) continue;
    counts[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]! += 1;
  }
  const centres = Float64Array.from({ length: bins }, (_, b) => lo + (b + 0.5) * width);
  return { centres, counts };
}

/** Otsu's threshold (1979): the split of the histogram that maximises the between-class variance. */
export function otsuThreshold(h: Histogram): number {
  let total = 0;
  let sum = 0;
  for (let b = 0; b < h.counts.length; b++) {
    total += h.counts[b]!;
    sum += h.counts[b]! * h.centres[b]!;
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let threshold = h.centres[0]!;
  for (let b = 0; b < h.counts.length - 1; b++) {
    w0 += h.counts[b]!;
    s0 += h.counts[b]! * h.centres[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (s0 / w0 - (sum - s0) / w1) ** 2;
    if (between > best) {
      best = between;
      threshold = (h.centres[b]! + h.centres[b + 1]!) / 2;
    }
  }
  return threshold;
}

/**
 * Fuzzy c-means (Bezdek 1981) on a 1-D intensity histogram: each bin is a point weighted by its
 * count, so clustering millions of voxels costs a few hundred points per iteration. Returns the
 * class centres in increasing order. Centres start at evenly spaced quantiles.
 */
export function fuzzyCMeans(h: Histogram, classes: number, fuzziness = 2, iterations = 200): number[] {
  if (!(fuzziness > 1)) throw new SimulationError(`Fuzzy c-means needs a fuzziness above 1, got ${fuzziness}.`);
  const total = h.counts.reduce((a, b) => a + b, 0);
  const centres: number[] = [];
  let acc = 0;
  let b = 0;
  for (let k = 0; k < classes; k++) {
    const target = ((k + 0.5) / classes) * total;
    while (b < h.counts.length - 1 && acc + h.counts[b]! < target) acc += h.counts[b++]!;
    centres.push(h.centres[b]!);
  }
  const u = new Float64Array(classes);
  for (let it = 0; it < iterations; it++) {
    const num = new Float64Array(classes);
    const den = new Float64Array(classes);
    for (let i = 0; i < h.centres.length; i++) {
      const w = h.counts[i]!;
      if (w === 0) continue;
      fuzzyMemberships(h.centres[i]!, centres, fuzziness, u);
      for (let k = 0; k < classes; k++) {
        const um = u[k]! ** fuzziness * w;
        num[k]! += um * h.centres[i]!;
        den[k]! += um;
      }
    }
    let moved = 0;
    for (let k = 0; k < classes; k++) {
      const c = den[k]! > 0 ? num[k]! / den[k]! : centres[k]!;
      moved = Math.max(moved, Math.abs(c - centres[k]!));
      centres[k] = c;
    }
    if (moved < 1e-6 * (Math.abs(centres[classes - 1]!) + 1)) break;
  }
  return centres.sort((a, c) => a - c);
}

/** u_k = 1 / sum_j (d_k / d_j)^(2 / (m - 1)); a value on a centre belongs to it fully. */
export function fuzzyMemberships(value: number, centres: readonly number[], fuzziness: number, out: Float64Array | Float32Array = new Float64Array(centres.length)): Float64Array | Float32Array {
  const p = 2 / (fuzziness - 1);
  for (let k = 0; k < centres.length; k++) {
    if (value === centres[k]) {
      out.fill(0);
      out[k] = 1;
      return out;
    }
  }
  let sum = 0;
  for (let k = 0; k < centres.length; k++) {
    const v = Math.abs(value - centres[k]!) ** -p;
    out[k] = v;
    sum += v;
  }
  for (let k = 0; k < centres.length; k++) out[k] = out[k]! / sum;
  return out;
}
