import type { Modality } from '../modalities';
import type { MethodScores } from './evaluateTranslation';

/** Where one scored slice's target protocol lies against the protocols trained on. */
export interface SliceProtocol {
  /** Distance to the nearest training cell in units of range width (0 inside one); null for a sequence variant never trained on. */
  distance: number | null;
  /** Beyond the whole training range on one parameter. */
  outsideRange: boolean;
}

/** Distance bins of the breakdown, in range widths: a test cell's edge, well into it, far from any training cell. */
const DISTANCE_BINS: ReadonlyArray<{ label: string; below: number }> = [
  { label: 'under 0.05', below: 0.05 },
  { label: '0.05 to 0.15', below: 0.15 },
  { label: '0.15 or more', below: Infinity },
];

function groupOf(p: SliceProtocol): string {
  if (p.distance === null) return 'a sequence variant never trained on';
  const bin = DISTANCE_BINS.find((b) => p.distance! < b.below)!;
  return `${p.outsideRange ? 'beyond the ranges' : 'inside the ranges'}, distance ${bin.label}`;
}

/**
 * Mean PSNR per method over the slices grouped by how far the target's protocol lies from the
 * training protocols (`protocols[i]` belongs to the i-th scored slice), as a Markdown table: how
 * quality falls as protocol settings leave the training ranges.
 */
export function protocolBreakdown(methods: readonly MethodScores[], target: Modality, protocols: readonly SliceProtocol[]): string {
  const groups = new Map<string, number[]>();
  protocols.forEach((p, i) => {
    const g = groupOf(p);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const order = (g: string) => (g.startsWith('inside') ? 0 : g.startsWith('beyond') ? 1 : 2) * 10 + DISTANCE_BINS.findIndex((b) => g.endsWith(b.label));
  const shown = methods.filter((m) => m.perTarget[target]?.psnrPerSlice.length === protocols.length);
  const lines = [`| ${target} protocol | slices | ${shown.map((m) => `${m.name} (dB)`).join(' | ')} |`, `| --- | --- | ${shown.map(() => '---').join(' | ')} |`];
  for (const [g, items] of [...groups].sort((a, b) => order(a[0]) - order(b[0]))) {
    const mean = (m: MethodScores) => items.reduce((s, i) => s + m.perTarget[target]!.psnrPerSlice[i]!, 0) / items.length;
    lines.push(`| ${g} | ${items.length} | ${shown.map((m) => mean(m).toFixed(2)).join(' | ')} |`);
  }
  return lines.join('\n');
}
