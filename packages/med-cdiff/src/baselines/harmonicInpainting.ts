import { InvalidInputError } from '../errors';

export interface HarmonicInpaintingOptions {
  /** Stop when no hole pixel differs from the mean of its neighbours by more than this share of the known values' range. Default 1e-6. */
  tolerance?: number;
  /** Default 20 000 sweeps. */
  maxIterations?: number;
}

export interface HarmonicInpaintingResult {
  image: Float32Array;
  /** Sweeps run. */
  iterations: number;
  /** Largest |mean of neighbours - value| over the hole at the end, in image units. */
  residual: number;
  converged: boolean;
}

/**
 * Harmonic inpainting, the diffusion-free fill: the hole (mask != 0) is the solution of Laplace's
 * equation (the 5-point discrete Laplacian is zero at every hole pixel) with the known pixels
 * around it as boundary values (Dirichlet) and zero flux across the image border (Neumann).
 * Solved by successive over-relaxation (Gauss-Seidel with the relaxation factor that is optimal for
 * a square of the hole's extent, 2 / (1 + sin(pi / (L + 1)))) until the residual is below
 * `tolerance`. It is the smoothest fill the boundary allows: exact on linear and other harmonic
 * intensity profiles, and blurs any texture the hole had. Known pixels are returned unchanged.
 */
export function harmonicInpaint(image: ArrayLike<number>, rows: number, cols: number, mask: ArrayLike<number>, options: HarmonicInpaintingOptions = {}): HarmonicInpaintingResult {
  const n = rows * cols;
  if (image.length !== n) throw new InvalidInputError(`harmonicInpaint: ${image.length} values are not ${rows} x ${cols}.`);
  if (mask.length !== n) throw new InvalidInputError(`harmonicInpaint: the mask has ${mask.length} values but the image has ${rows} x ${cols} = ${n}.`);
  const tolerance = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 20_000;
  const u = Float64Array.from(image);
  const holes: number[] = [];
  let top = rows;
  let bottom = -1;
  let left = cols;
  let right = -1;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    holes.push(i);
    const y = Math.floor(i / cols);
    const x = i % cols;
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
    left = Math.min(left, x);
    right = Math.max(right, x);
  }
  if (holes.length === 0) throw new InvalidInputError('harmonicInpaint: the mask is empty; mark the region to fill.');
  if (holes.length === n) throw new InvalidInputError('harmonicInpaint: the mask covers the whole image; a fill needs known pixels around the hole.');
  // Neighbour lists inside the image (a missing neighbour across the border is the Neumann condition).
  const offsets = new Int32Array(holes.length + 1);
  const neighbours: number[] = [];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let boundarySum = 0;
  let boundaryCount = 0;
  holes.forEach((i, h) => {
    offsets[h] = neighbours.length;
    const y = Math.floor(i / cols);
    const x = i % cols;
    for (const [yy, xx] of [[y - 1, x], [y + 1, x], [y, x - 1], [y, x + 1]] as const) {
      if (yy < 0 || yy >= rows || xx < 0 || xx >= cols) continue;
      const j = yy * cols + xx;
      neighbours.push(j);
      if (!mask[j]) {
        boundarySum += u[j]!;
        boundaryCount++;
      }
    }
  });
  offsets[holes.length] = neighbours.length;
  for (let i = 0; i < n; i++) {
    if (mask[i]) continue;
    low = Math.min(low, u[i]!);
    high = Math.max(high, u[i]!);
  }
  // Start from the mean of the boundary: fewer sweeps than from zero.
  const start = boundaryCount ? boundarySum / boundaryCount : (low + high) / 2;
  for (const i of holes) u[i] = start;
  const extent = Math.max(bottom - top + 1, right - left + 1);
  const omega = 2 / (1 + Math.sin(Math.PI / (extent + 1)));
  const limit = tolerance * Math.max(high - low, 1e-12);
  let residual = Number.POSITIVE_INFINITY;
  let iterations = 0;
  while (iterations < maxIterations && residual > limit) {
    residual = 0;
    for (let h = 0; h < holes.length; h++) {
      const i = holes[h]!;
      let sum = 0;
      for (let k = offsets[h]!; k < offsets[h + 1]!; k++) sum += u[neighbours[k]!]!;
      const r = sum / (offsets[h + 1]! - offsets[h]!) - u[i]!;
      if (Math.abs(r) > residual) residual = Math.abs(r);
      u[i]! += omega * r;
    }
    iterations++;
  }
  const out = Float32Array.from(u);
  for (let i = 0; i < n; i++) if (!mask[i]) out[i] = image[i]!;
  return { image: out, iterations, residual, converged: residual <= limit };
}
