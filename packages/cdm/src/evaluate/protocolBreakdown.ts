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

/** A slice's group: its row label, and where that row goes (inside the ranges, then beyond, nearest first). */
function groupOf(p: SliceProtocol): { label: string; rank: number } {
  if (p.distance === null) return { label: 'a sequence variant never trained on', rank: 2 * DISTANCE_BINS.length };
  const bin = DISTANCE_BINS.findIndex((b) => p.distance! < b.below);
  return { label: `${p.outsideRange ? 'beyond the ranges' : 'inside the ranges'}, distance ${DISTANCE_BINS[bin]!.label}`, rank: (p.outsideRange ? DISTANCE_BINS.length : 0) + bin };
}

/**
 * Mean PSNR per method over the slices grouped by how far the target's protocol lies from the
 * training protocols (`protocols[i]` belongs to the i-th scored slice), as a Markdown table: how
 * quality falls as protocol settings leave the training ranges.
 */
export function protocolBreakdown(methods: readonly MethodScores[], target: Modality, protocols: readonly SliceProtocol[]): string {
  const groups = new Map<number, { label: string; items: number[] }>();
  protocols.forEach((p, i) => {
    const { label, rank } = groupOf(p);
    const group = groups.get(rank) ?? { label, items: [] };
    group.items.push(i);
    groups.set(rank, group);
  });
  const shown = methods.filter((m) => m.perTarget[target]?.psnrPerSlice.length === protocols.length);
  const lines = [`| ${target} protocol | slices | ${shown.map((m) => `${m.name} (dB)`).join(' | ')} |`, `| --- | --- | ${shown.map(() => '---').join(' | ')} |`];
  for (const { label, items } of [...groups].sort((a, b) => a[0] - b[0]).map(([, g]) => g)) {
    const mean = (m: MethodScores) => items.reduce((s, i) => s + m.perTarget[target]!.psnrPerSlice[i]!, 0) / items.length;
    lines.push(`| ${label} | ${items.length} | ${shown.map((m) => mean(m).toFixed(2)).join(' | ')} |`);
  }
  return lines.join('\n');
}
