import { accutance, accutanceRatio, EmptyMaskError, mae, psnr, ssim } from '@meddiff/metrics';

export const METRICS = ['psnr', 'ssim', 'mae', 'accutance', 'accutanceRatio'] as const;
export type MetricName = (typeof METRICS)[number];

/** Per-slice values of each metric; NaN where a metric is undefined for that slice (reported as such). */
export type Scores = Record<MetricName, number[]>;

/** Column headings for the tables. */
export const METRIC_LABELS: Record<MetricName, string> = {
  psnr: 'PSNR (dB)',
  ssim: 'SSIM',
  mae: 'MAE',
  accutance: 'accutance',
  accutanceRatio: 'accutance ratio',
};

/** Images in [-1, 1]: the data range of PSNR, SSIM and accutance. */
export const DATA_RANGE = 2;

export interface ScoredImage {
  truth: Float32Array;
  output: Float32Array;
  rows: number;
  cols: number;
  /** Score only inside (inpainting). */
  mask?: Uint8Array;
}

/**
 * Scores each output against its truth with @meddiff/metrics: PSNR and SSIM (data range 2),
 * MAE, accutance of the output and its ratio to the truth's, all inside the mask when there is
 * one. SSIM inside a mask that lies entirely in SSIM's unscored 5-pixel border is NaN.
 */
export async function scoreImages(images: readonly ScoredImage[]): Promise<Scores> {
  const scores: Scores = { psnr: [], ssim: [], mae: [], accutance: [], accutanceRatio: [] };
  for (const im of images) {
    const shape = [im.rows, im.cols];
    const ref = { data: im.truth, shape };
    const test = { data: im.output, shape };
    const region = im.mask ? { mask: { data: im.mask, shape } } : {};
    scores.psnr.push((await psnr(ref, test, { dataRange: DATA_RANGE, ...region })).mean);
    scores.ssim.push(await orNaN(async () => (await ssim(ref, test, { dataRange: DATA_RANGE, ...region })).mean));
    scores.mae.push((await mae(ref, test, region)).mean);
    scores.accutance.push((await accutance(test, { dataRange: DATA_RANGE, ...region })).mean);
    scores.accutanceRatio.push((await accutanceRatio(ref, test, region)).mean);
  }
  return scores;
}

/** Accutance of the truths themselves, for the table's reference row. */
export async function truthAccutance(images: readonly Omit<ScoredImage, 'output'>[]): Promise<number[]> {
  const values: number[] = [];
  for (const im of images) {
    const shape = [im.rows, im.cols];
    values.push((await accutance({ data: im.truth, shape }, { dataRange: DATA_RANGE, ...(im.mask ? { mask: { data: im.mask, shape } } : {}) })).mean);
  }
  return values;
}

async function orNaN(f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof EmptyMaskError) return Number.NaN;
    throw e;
  }
}

export interface Summary {
  mean: number;
  /** Sample standard deviation over the slices (n - 1). */
  std: number;
  /** Slices with a finite value (PSNR of a perfect output is Infinity and is left out). */
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  const mean = n ? finite.reduce((a, v) => a + v, 0) / n : Number.NaN;
  const std = n > 1 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : n === 1 ? 0 : Number.NaN;
  return { mean, std, n };
}
