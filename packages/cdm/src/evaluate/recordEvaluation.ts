import type { ModelCard, ModelMetric } from '@meddiff/diffusion-core';
import type { MethodScores } from './evaluateTranslation';

export interface RecordedEvaluation {
  /** What was scored, as the card states it, e.g. "cdm-protocols-64 test split (512 of 2048 slices)". */
  data: string;
  /** How CDM sampled, e.g. "DDIM 20 steps, seed 0, one draw". */
  sampling: string;
  sources: readonly string[];
  targets: readonly string[];
  methods: readonly MethodScores[];
}

/**
 * The card of an evaluated CDM model as the next version: per target, CDM's PSNR and SSIM beside
 * histogram matching, and the plain U-Net's when it was scored. The card's earlier metrics on the
 * same data are replaced; the others (validation losses, other splits) stay. A changelog entry says
 * what was measured.
 */
export function cardWithEvaluation(card: ModelCard, e: RecordedEvaluation, version: string, date = new Date()): ModelCard {
  const method = (name: string) => e.methods.find((m) => m.name === name);
  const cdm = method('CDM')!;
  const matching = method('histogram matching')!;
  const unet = method('plain U-Net');
  const metrics: ModelMetric[] = e.targets.flatMap((t) => {
    const condition = `${t} from ${e.sources.join(' + ')}, ${e.sampling}, [-1, 1] scale`;
    return (['psnr', 'ssim'] as const).flatMap((k) => [
      { name: k, value: round(cdm.perTarget[t]![k]), condition, data: e.data, baseline: { method: 'histogram matching from the best source (oracle histogram)', value: round(matching.perTarget[t]![k]) } },
      ...(unet ? [{ name: `${k} (plain U-Net)`, value: round(unet.perTarget[t]![k]), condition: `${condition}: the same-size U-Net without the representation, same data and loss`, data: e.data }] : []),
    ]);
  });
  const changes = `Evaluated on ${e.data}: ${e.targets.map((t) => `${t} PSNR ${cdm.perTarget[t]!.psnr.toFixed(2)} dB (histogram matching ${matching.perTarget[t]!.psnr.toFixed(2)}${unet ? `, plain U-Net ${unet.perTarget[t]!.psnr.toFixed(2)}` : ''})`).join(', ')}.`;
  return {
    ...card,
    version,
    metrics: [...card.metrics.filter((m) => m.data !== e.data), ...metrics],
    changelog: [...card.changelog, { version, date: date.toISOString().slice(0, 10), changes }],
  };
}

const round = (x: number) => Math.round(x * 10000) / 10000;
