import type { ModelCard } from '../model';
import type { Summary } from '@meddiff/metrics';
import { METRIC_LABELS, METRICS, type MetricName, type Scores } from './score';

export interface MethodResult {
  name: string;
  /** 'model' is Med-cDiff; 'input' is the degraded input scored as it is (denoising). */
  kind: 'model' | 'baseline' | 'input';
  description: string;
  /** Per slice, in the order of `ConditionResult.slices`. */
  scores: Scores;
  summary: Record<MetricName, Summary>;
  /** Downstream Dice per tissue class, darkest first (score.ts, tissueDiceScores); not for inpainting. */
  tissueDice?: { perSlice: number[][]; summary: Summary[] };
  /** Mean wall time per slice (the model only). */
  secondsPerSlice?: number;
}

export interface ConditionResult {
  id: string;
  title: string;
  factor?: number;
  /** Indices of the scored slices in their split, and what was drawn for each. */
  slices: number[];
  draws: Array<Record<string, number | string>>;
  methods: MethodResult[];
  truthAccutance: Summary;
  /** File name of the montage PNG, when one was written. */
  montage?: string;
}

export interface EvaluationReport {
  format: 'med-cdiff-evaluation';
  version: 1;
  createdAt: string;
  task: string;
  model: { source: string; card: ModelCard | null; imageSize: number; parameters: number; degradation: unknown };
  /** Denoising at one noise setting (`--noise`): the degradation the cases were drawn from, instead of the config's. */
  scoredDegradation?: { gaussianSigma: readonly [number, number]; saltPepper: readonly [number, number] };
  data: { dir: string; name: string; split: 'val' | 'test'; slices: number; splitSlices: number; size: readonly [number, number] };
  sampling: { sampler: string; steps: number; seed: number; samples?: number; temperature?: number };
  /** Denoising: the Gaussian baseline's sigma, chosen on held-out training slices. */
  gaussianSigma?: { sigma: number; heldOutSlices: number; candidates: readonly number[] };
  nonLocalMeansH?: { h: number; heldOutSlices: number; candidates: readonly number[] };
  backend: string;
  conditions: ConditionResult[];
}

const DIGITS: Record<MetricName, number> = { psnr: 2, ssim: 4, mae: 4, accutance: 4, accutanceRatio: 3 };

function cell(s: Summary, digits: number, total: number): string {
  if (!s.n) return 'n/a';
  const v = `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
  return s.n < total ? `${v} (n=${s.n})` : v;
}

/** The method x metric table of one condition, as Markdown (mean ± sample std over the slices). */
export function conditionTable(c: ConditionResult): string {
  const total = c.slices.length;
  const lines = [`| method | ${METRICS.map((m) => METRIC_LABELS[m]).join(' | ')} |`, `| --- | ${METRICS.map(() => '---:').join(' | ')} |`];
  for (const m of c.methods) {
    const name = m.kind === 'model' ? `**${m.name}**` : m.kind === 'input' ? `_${m.name}_` : m.name;
    lines.push(`| ${name} | ${METRICS.map((k) => cell(m.summary[k], DIGITS[k], total)).join(' | ')} |`);
  }
  lines.push(`| _truth_ | | | | ${cell(c.truthAccutance, DIGITS.accutance, total)} | 1 |`);
  const withDice = c.methods.filter((m) => m.tissueDice);
  if (withDice.length) {
    const tissues = withDice[0]!.tissueDice!.summary.length;
    const head = Array.from({ length: tissues }, (_, t) => `Dice, tissue ${t + 1}${t === 0 ? ' (darkest)' : t === tissues - 1 ? ' (brightest)' : ''}`);
    lines.push('', `Downstream segmentation: the truth split into ${tissues + 1} intensity classes by k-means (the darkest, background, not scored), each output labelled with the same thresholds:`, '');
    lines.push(`| method | ${head.join(' | ')} |`, `| --- | ${head.map(() => '---:').join(' | ')} |`);
    for (const m of withDice) lines.push(`| ${m.kind === 'model' ? `**${m.name}**` : m.kind === 'input' ? `_${m.name}_` : m.name} | ${m.tissueDice!.summary.map((s) => cell(s, 3, total)).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function reportMarkdown(r: EvaluationReport): string {
  const card = r.model.card;
  const out: string[] = [
    `# Med-cDiff evaluation: ${r.task}`,
    '',
    `- Model: \`${r.model.source}\` (${r.model.parameters.toLocaleString('en-US')} parameters, trained at ${r.model.imageSize} px${card ? `; card: ${card.trainingSteps} steps on ${card.trainedOn}` : '; no model card'}).`,
    `- Data: the ${r.data.split === 'test' ? 'test split (subjects never trained or tuned on)' : 'validation split'} of \`${r.data.name}\` (${r.data.dir}), ${r.data.slices === r.data.splitSlices ? `all ${r.data.slices}` : `${r.data.slices} of its ${r.data.splitSlices}, evenly spaced (indices in report.json),`} slices of ${r.data.size.join(' x ')} px, intensities per-volume normalised to [-1, 1].`,
    `- Sampling: ${r.sampling.sampler}, ${r.sampling.steps} steps, temperature ${r.sampling.temperature ?? 1}, ${r.sampling.samples ?? 1} sample(s) per slice (their mean is scored), seed ${r.sampling.seed} + slice index; backend ${r.backend}.`,
    '- Metrics (@meddiff/metrics) against the clean slice in the [-1, 1] scale: PSNR and SSIM with data range 2, MAE, accutance (mean Sobel gradient magnitude / 2) and its ratio to the truth\'s (1 = as sharp; below 1 blurred, above 1 noisier). Mean ± sample standard deviation over slices.' + (r.task === 'inpainting' ? '' : ' Downstream Dice: the truth split into intensity classes by k-means, each output labelled with the same thresholds, Dice per tissue class.') + (r.task === 'inpainting' ? ' Scored inside the mask only.' : ''),
    '- Every method\'s output is clipped to [-1, 1].',
  ];
  if (r.scoredDegradation) out.push(`- Noise: one setting, Gaussian sigma ${r.scoredDegradation.gaussianSigma[0]} and ${100 * r.scoredDegradation.saltPepper[0]} % salt and pepper on the [-1, 1] scale (not the model's training ranges).`);
  if (r.gaussianSigma) out.push(`- Gaussian baseline: sigma ${r.gaussianSigma.sigma} px, the lowest-MSE choice among ${r.gaussianSigma.candidates.join(', ')} px on ${r.gaussianSigma.heldOutSlices} held-out training slices with the same noise ranges.`);
  if (r.nonLocalMeansH) out.push(`- Median + non-local means baseline: h ${r.nonLocalMeansH.h}, the lowest-MSE choice among ${r.nonLocalMeansH.candidates.join(', ')} on the same ${r.nonLocalMeansH.heldOutSlices} held-out training slices.`);
  if (card?.intendedUse) out.push(`- Intended use: ${card.intendedUse}`);
  for (const c of r.conditions) {
    out.push('', `## ${c.title}`, '', `${c.slices.length} slices.`, '', conditionTable(c));
    const methods = c.methods.filter((m) => m.kind !== 'model').map((m) => `${m.name}: ${m.description}`);
    out.push('', ...methods.map((m) => `- ${m}`));
    const model = c.methods.find((m) => m.kind === 'model');
    if (model?.secondsPerSlice !== undefined) out.push(`- Med-cDiff: ${model.secondsPerSlice.toFixed(2)} s per slice.`);
    if (c.montage) out.push('', `![${c.title}](${c.montage})`, '', 'Columns: input | best baseline by PSNR | Med-cDiff | truth | |Med-cDiff - truth|. Images: [-1, 1] -> 0..255; error: 0..0.5 -> 0..255.');
  }
  return `${out.join('\n')}\n`;
}
