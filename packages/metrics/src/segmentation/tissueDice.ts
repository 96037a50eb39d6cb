import { InvalidOptionError, NonFiniteValueError, ShapeMismatchError } from '../errors';
import type { ArrayImage } from '../input/imageInput';

export interface TissueDiceOptions {
  /** Intensity classes the reference is split into, background included (default 4: background and three tissues). */
  readonly classes?: number;
}

/**
 * Does a tissue segmentation of the test image agree with one of the reference? The reference's
 * intensities are split into `classes` classes by k-means (Lloyd's algorithm on a 256-bin
 * histogram, centres starting at evenly spaced quantiles), both images are labelled with the same
 * thresholds (midpoints between adjacent centres), and the Dice coefficient of each class between
 * the two labellings is returned, darkest class first. NaN for a class that neither labelling holds.
 * A downstream check for restoration: an output can score well on PSNR and still move tissue
 * boundaries (a blurred edge changes which class its pixels fall in).
 */
export async function tissueDice(reference: ArrayImage, test: ArrayImage, options: TissueDiceOptions = {}): Promise<readonly number[]> {
  const classes = options.classes ?? 4;
  if (!Number.isInteger(classes) || classes < 2 || classes > 16) throw new InvalidOptionError(`tissueDice: classes must be an integer from 2 to 16, got ${String(classes)}.`);
  if (reference.data.length !== test.data.length || reference.shape.join() !== test.shape.join()) {
    throw new ShapeMismatchError(`tissueDice: the reference is [${reference.shape.join(', ')}] and the test image [${test.shape.join(', ')}]; score images of the same shape.`);
  }
  for (const [name, image] of [['reference', reference], ['test image', test]] as const) {
    for (let i = 0; i < image.data.length; i++) if (!Number.isFinite(image.data[i]!)) throw new NonFiniteValueError(`tissueDice: the ${name} holds ${image.data[i]} at index ${i}; only finite values can be classified.`);
  }
  const thresholds = kMeansThresholds(reference.data, classes);
  const label = (v: number) => {
    let k = 0;
    while (k < thresholds.length && v > thresholds[k]!) k++;
    return k;
  };
  const both = new Float64Array(classes);
  const sizes = new Float64Array(classes);
  for (let i = 0; i < reference.data.length; i++) {
    const a = label(reference.data[i]!);
    const b = label(test.data[i]!);
    sizes[a]! += 1;
    sizes[b]! += 1;
    if (a === b) both[a]! += 1;
  }
  return Array.from(both, (n, k) => (sizes[k]! > 0 ? (2 * n) / sizes[k]! : Number.NaN));
}

/** The classes - 1 thresholds between k-means centres of the values' histogram, increasing. */
function kMeansThresholds(values: ArrayLike<number>, classes: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  if (!(hi > lo)) return Array.from({ length: classes - 1 }, () => lo);
  const bins = 256;
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]! += 1;
  const centreOf = (b: number) => lo + (b + 0.5) * width;
  // Two starts, the better (lower within-class sum of squares) kept: the classes' quantiles, which
  // split large classes well, and evenly spaced intensities, which find a small bright class (bone).
  const quantiles: number[] = [];
  let seen = 0;
  for (let b = 0, k = 0; b < bins && k < classes; b++) {
    seen += counts[b]!;
    while (k < classes && seen >= ((k + 0.5) / classes) * values.length) {
      quantiles.push(centreOf(b));
      k++;
    }
  }
  const spaced = Array.from({ length: classes }, (_, k) => lo + ((k + 0.5) / classes) * (hi - lo));
  const runs = [quantiles, spaced].map((start) => lloyd(counts, centreOf, start, width / 100));
  const centres = runs[0]!.sse <= runs[1]!.sse ? runs[0]!.centres : runs[1]!.centres;
  return centres.slice(1).map((c, k) => (centres[k]! + c) / 2);
}

/** Lloyd's iterations on a weighted histogram; returns sorted centres and the within-class sum of squares. */
function lloyd(counts: Float64Array, centreOf: (bin: number) => number, start: readonly number[], tolerance: number): { centres: number[]; sse: number } {
  const centres = [...start];
  const classes = centres.length;
  const nearest = (v: number) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (Math.abs(v - centres[k]!) < Math.abs(v - centres[best]!)) best = k;
    return best;
  };
  for (let iteration = 0; iteration < 100; iteration++) {
    const sum = new Float64Array(classes);
    const n = new Float64Array(classes);
    for (let b = 0; b < counts.length; b++) {
      if (!counts[b]) continue;
      const k = nearest(centreOf(b));
      sum[k]! += counts[b]! * centreOf(b);
      n[k]! += counts[b]!;
    }
    let moved = 0;
    for (let k = 0; k < classes; k++) {
      // An empty class restarts at the intensity that its nearest centre explains worst.
      const next = n[k] ? sum[k]! / n[k]! : worstExplained(counts, centreOf, nearest, centres);
      moved = Math.max(moved, Math.abs(next - centres[k]!));
      centres[k] = next;
    }
    centres.sort((a, b) => a - b);
    if (moved < tolerance) break;
  }
  let sse = 0;
  for (let b = 0; b < counts.length; b++) if (counts[b]) sse += counts[b]! * (centreOf(b) - centres[nearest(centreOf(b))]!) ** 2;
  return { centres, sse };
}

function worstExplained(counts: Float64Array, centreOf: (bin: number) => number, nearest: (v: number) => number, centres: readonly number[]): number {
  let worst = -1;
  let at = centres[0]!;
  for (let b = 0; b < counts.length; b++) {
    if (!counts[b]) continue;
    const v = centreOf(b);
    const cost = counts[b]! * (v - centres[nearest(v)]!) ** 2;
    if (cost > worst) {
      worst = cost;
      at = v;
    }
  }
  return at;
}
