import type { ModelCard } from '../model';
import type { EvaluationReport } from './report';

/**
 * The card of an evaluated model as the next version: its metrics replaced by this evaluation's
 * (PSNR, SSIM and accutance ratio of the model per condition, each beside the classical baseline
 * with the best PSNR), and a changelog entry saying what was measured.
 */
export function cardWithEvaluation(card: ModelCard, report: EvaluationReport, version: string, date = new Date()): ModelCard {
  const data = `${report.data.name} ${report.data.split} (${report.data.slices} of ${report.data.splitSlices} slices)`;
  const sampling = `${report.sampling.sampler}, ${report.sampling.steps} steps, temperature ${report.sampling.temperature ?? 1}, mean of ${report.sampling.samples ?? 1} sample(s), seed ${report.sampling.seed}`;
  const metrics = report.conditions.flatMap((c) => {
    const model = c.methods.find((m) => m.kind === 'model')!;
    const baselines = c.methods.filter((m) => m.kind === 'baseline' && m.name !== 'regression U-Net');
    const best = baselines.reduce((a, b) => (b.summary.psnr.mean > a.summary.psnr.mean ? b : a));
    return (['psnr', 'ssim', 'accutanceRatio'] as const)
      .filter((k) => Number.isFinite(model.summary[k].mean))
      .map((k) => ({
        name: k,
        value: round(model.summary[k].mean),
        condition: `${c.title}; ${sampling}`,
        data,
        ...(Number.isFinite(best.summary[k].mean) ? { baseline: { method: best.name, value: round(best.summary[k].mean) } } : {}),
      }));
  });
  const changes = `Evaluated on ${data}, ${report.backend}: ${report.conditions.map((c) => {
    const m = c.methods.find((x) => x.kind === 'model')!;
    return `${c.id} PSNR ${m.summary.psnr.mean.toFixed(2)} dB`;
  }).join(', ')}.`;
  return { ...card, version, metrics, changelog: [...card.changelog, { version, date: date.toISOString().slice(0, 10), changes }] };
}

const round = (x: number) => Math.round(x * 10000) / 10000;
