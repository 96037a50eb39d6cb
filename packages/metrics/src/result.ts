/** What every image metric returns: one value per image of the batch and their mean. */
export interface MetricResult {
  /** One value per image, in batch order (a single image gives one value). */
  readonly perImage: readonly number[];
  /** Arithmetic mean of `perImage`. */
  readonly mean: number;
}

export function metricResult(perImage: ArrayLike<number>): MetricResult {
  const values = Array.from(perImage);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Object.freeze({ perImage: Object.freeze(values), mean });
}
