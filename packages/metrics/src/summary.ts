/** A metric over a set of images, as evaluation tables report it: mean ± sample standard deviation. */
export interface Summary {
  mean: number;
  /** Sample standard deviation (n - 1). */
  std: number;
  /** Values that were finite (PSNR of a perfect output is Infinity and is left out). */
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  const mean = n ? finite.reduce((a, v) => a + v, 0) / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : n === 1 ? 0 : Number.NaN;
  return { mean, std, n };
}
