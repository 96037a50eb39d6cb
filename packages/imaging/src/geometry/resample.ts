import { InvalidArgumentError } from '../errors.js';
import { assertShape, type Image2D, indexToWorld } from '../image.js';

export const RESAMPLE_METHODS = ['nearest', 'bilinear', 'bicubic', 'area', 'lanczos'] as const;
export type ResampleMethod = (typeof RESAMPLE_METHODS)[number];

/** Keys' cubic convolution kernel with a = -0.5 (Keys 1981), the one that reproduces quadratics. */
function keys(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** Lanczos window with a = 3: sinc(x) sinc(x / 3) on |x| < 3 (Duchon 1979; the PIL and FFmpeg `lanczos`). */
function lanczos3(x: number): number {
  const t = Math.abs(x);
  // Exactly 1 at 0 and 0 at the other integers, so a same-size resize is the identity.
  if (Number.isInteger(t)) return t === 0 ? 1 : 0;
  if (t >= 3) return 0;
  const px = Math.PI * t;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

interface Taps {
  readonly index: Int32Array;
  readonly weight: Float64Array;
  readonly count: number; // taps per output sample
}

/**
 * 1-D resampling weights from n input samples to m outputs. Conventions (the half-pixel ones of
 * OpenCV, PIL and PyTorch with align_corners = false): sample i covers [i, i + 1) and has its centre at
 * i + 0.5; output j's centre maps to input coordinate (j + 0.5) * n / m - 0.5. Outside samples are clamped
 * to the edge. 'area' averages the input footprint [j * n / m, (j + 1) * n / m) exactly, with fractional
 * weights at its ends (anti-aliased downsampling; a footprint inside one sample copies it when upsampling).
 * 'lanczos' (a = 3) has 6 taps when upsampling; when downsampling its kernel is stretched by n / m (as PIL
 * does), so it low-passes to the output's Nyquist rate. Its weights are normalised to sum to 1.
 */
function taps(n: number, m: number, method: ResampleMethod): Taps {
  const scale = n / m;
  const clamp = (i: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);
  if (method === 'nearest') {
    const index = new Int32Array(m);
    for (let j = 0; j < m; j++) index[j] = clamp(Math.floor((j + 0.5) * scale));
    return { index, weight: new Float64Array(m).fill(1), count: 1 };
  }
  if (method === 'bilinear' || method === 'bicubic') {
    const count = method === 'bilinear' ? 2 : 4;
    const index = new Int32Array(m * count);
    const weight = new Float64Array(m * count);
    for (let j = 0; j < m; j++) {
      const x = (j + 0.5) * scale - 0.5;
      const x0 = Math.floor(x);
      const f = x - x0;
      if (method === 'bilinear') {
        index[2 * j] = clamp(x0);
        index[2 * j + 1] = clamp(x0 + 1);
        weight[2 * j] = 1 - f;
        weight[2 * j + 1] = f;
      } else {
        for (let t = 0; t < 4; t++) {
          index[4 * j + t] = clamp(x0 - 1 + t);
          weight[4 * j + t] = keys(f - (t - 1));
        }
      }
    }
    return { index, weight, count };
  }
  if (method === 'lanczos') {
    const stretch = Math.max(1, scale);
    const support = 3 * stretch;
    const count = Math.ceil(2 * support) + 1;
    const index = new Int32Array(m * count);
    const weight = new Float64Array(m * count);
    for (let j = 0; j < m; j++) {
      const x = (j + 0.5) * scale - 0.5;
      const first = Math.floor(x - support) + 1;
      let sum = 0;
      for (let t = 0; t < count; t++) {
        const w = lanczos3((first + t - x) / stretch);
        index[j * count + t] = clamp(first + t);
        weight[j * count + t] = w;
        sum += w;
      }
      for (let t = 0; t < count; t++) weight[j * count + t]! /= sum;
    }
    return { index, weight, count };
  }
  // area
  const count = Math.ceil(scale) + 1;
  const index = new Int32Array(m * count);
  const weight = new Float64Array(m * count);
  for (let j = 0; j < m; j++) {
    const a = j * scale;
    const b = (j + 1) * scale;
    let t = 0;
    for (let i = Math.floor(a); i < b && t < count; i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap <= 0) continue;
      index[j * count + t] = clamp(i);
      weight[j * count + t] = overlap / scale;
      t++;
    }
  }
  return { index, weight, count };
}

/**
 * Resizes a [rows, cols] image (row-major) to [outRows, outCols]: separable, columns first, in float64
 * accumulation. These are also the super-resolution baselines the models are compared with.
 */
export function resize2d(data: ArrayLike<number>, rows: number, cols: number, outRows: number, outCols: number, method: ResampleMethod): Float32Array {
  assertShape('resize2d', data, [rows, cols]);
  if (!RESAMPLE_METHODS.includes(method)) throw new InvalidArgumentError('resize2d', `unknown method "${String(method)}"; choose one of ${RESAMPLE_METHODS.join(', ')}`);
  for (const s of [outRows, outCols]) if (!Number.isInteger(s) || s <= 0) throw new InvalidArgumentError('resize2d', `output size ${outRows}x${outCols} must be positive integers`);
  const tx = taps(cols, outCols, method);
  const ty = taps(rows, outRows, method);
  const tmp = new Float64Array(rows * outCols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < outCols; j++) {
      let s = 0;
      for (let t = 0; t < tx.count; t++) s += data[base + tx.index[j * tx.count + t]!]! * tx.weight[j * tx.count + t]!;
      tmp[r * outCols + j] = s;
    }
  }
  const out = new Float32Array(outRows * outCols);
  for (let i = 0; i < outRows; i++) {
    for (let j = 0; j < outCols; j++) {
      let s = 0;
      for (let t = 0; t < ty.count; t++) s += tmp[ty.index[i * ty.count + t]! * outCols + j]! * ty.weight[i * ty.count + t]!;
      out[i * outCols + j] = s;
    }
  }
  return out;
}

/**
 * Resizes an Image2D and updates its geometry: pixel spacing scales by in/out, and the origin moves to
 * where the new first pixel's centre lies, so the image covers the same field of view in the same place.
 */
export function resizeImage(image: Image2D, outRows: number, outCols: number, method: ResampleMethod): Image2D {
  const [rows, cols] = image.shape;
  const sx = cols / outCols;
  const sy = rows / outRows;
  const g = image.geometry;
  return {
    ...image,
    data: resize2d(image.data, rows, cols, outRows, outCols, method),
    shape: [outRows, outCols],
    geometry: { ...g, spacing: [g.spacing[0] * sx, g.spacing[1] * sy, g.spacing[2]], origin: indexToWorld(g, 0.5 * sx - 0.5, 0.5 * sy - 0.5, 0) },
  };
}
