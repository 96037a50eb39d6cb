import type { Random } from './random';

/**
 * A smooth random field on a rows x cols grid: a random Fourier series with frequencies up to
 * `maxFrequency` cycles per field of view, amplitudes falling as 1 / (1 + |k|^2), scaled to zero
 * mean and unit standard deviation. Resolution-independent: the same draws give the same field
 * at any grid size, so a field drawn for a subject can be rendered at the slice's size.
 */
export function smoothRandomField(rows: number, cols: number, random: Random, maxFrequency = 3): Float32Array {
  const terms: Array<{ kx: number; ky: number; a: number; phase: number }> = [];
  for (let ky = 0; ky <= maxFrequency; ky++) {
    for (let kx = -maxFrequency; kx <= maxFrequency; kx++) {
      if (ky === 0 && kx <= 0) continue;
      terms.push({ kx, ky, a: random.normal() / (1 + kx * kx + ky * ky), phase: random.between(0, 2 * Math.PI) });
    }
  }
  const out = new Float32Array(rows * cols);
  // cos(a + b) expanded so each term costs one table lookup per axis.
  for (const t of terms) {
    const cx = new Float64Array(cols);
    const sx = new Float64Array(cols);
    for (let x = 0; x < cols; x++) {
      const ang = (2 * Math.PI * t.kx * (x + 0.5)) / cols + t.phase;
      cx[x] = Math.cos(ang);
      sx[x] = Math.sin(ang);
    }
    for (let y = 0; y < rows; y++) {
      const ang = (2 * Math.PI * t.ky * (y + 0.5)) / rows;
      const cy = Math.cos(ang) * t.a;
      const sy = Math.sin(ang) * t.a;
      const row = y * cols;
      for (let x = 0; x < cols; x++) out[row + x]! += cx[x]! * cy - sx[x]! * sy;
    }
  }
  let mean = 0;
  for (let i = 0; i < out.length; i++) mean += out[i]!;
  mean /= out.length;
  let variance = 0;
  for (let i = 0; i < out.length; i++) variance += (out[i]! - mean) ** 2;
  const std = Math.sqrt(variance / out.length) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - mean) / std;
  return out;
}
