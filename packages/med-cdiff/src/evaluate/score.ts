import { accutance, accutanceRatio, EmptyMaskError, mae, psnr, ssim, tissueDice } from '@meddiff/metrics';

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

/** Intensity classes of the downstream segmentation: background and three tissues. */
export const TISSUE_CLASSES = 4;

/**
 * Downstream Dice (@meddiff/metrics' tissueDice): each truth split into TISSUE_CLASSES intensity
 * classes by k-means, the output labelled with the same thresholds; per tissue class (the darkest
 * class, background, left out), one Dice per slice. NaN where a slice has none of that class.
 */
export async function tissueDiceScores(images: readonly ScoredImage[]): Promise<number[][]> {
  const perTissue: number[][] = Array.from({ length: TISSUE_CLASSES - 1 }, () => []);
  for (const im of images) {
    const shape = [im.rows, im.cols];
    const d = await tissueDice({ data: im.truth, shape }, { data: im.output, shape }, { classes: TISSUE_CLASSES });
    d.slice(1).forEach((v, t) => perTissue[t]!.push(v));
  }
  return perTissue;
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
