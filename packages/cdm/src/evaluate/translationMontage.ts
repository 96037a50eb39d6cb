import { montagePng, type Panel } from '@meddiff/imaging';
import type { Modality } from '../modalities';
import { channelIndices, sliceChannel, type PairedSlices } from '../train/pairedSlices';
import type { MethodScores } from './evaluateTranslation';

/** Methods shown, left to right after the sources, when scored; the diagnostic true-vector run is left out. */
const SHOWN = ['histogram matching', 'plain U-Net', 'CDM'];

/** The columns of `translationMontage`, for the report's caption. */
export function montageColumns(sources: readonly Modality[], methods: readonly MethodScores[]): string[] {
  return [...sources.map((s) => `${s} (source)`), ...SHOWN.filter((name) => methods.some((m) => m.name === name)), 'truth', '|CDM - truth|'];
}

/**
 * One PNG per target: a row per example slice (`indices` into `slices`, the slices whose outputs
 * `evaluateTranslation` kept as `examples`), the columns of `montageColumns`. Images on [-1, 1];
 * the error panel maps 0-0.5 to black-white.
 */
export function translationMontage(slices: PairedSlices, indices: readonly number[], sources: readonly Modality[], target: Modality, methods: readonly MethodScores[]): Uint8Array {
  const n = slices.size * slices.size;
  const sourceChannels = channelIndices(slices, sources);
  const [targetChannel] = channelIndices(slices, [target]);
  const shown = SHOWN.map((name) => methods.find((m) => m.name === name)).filter((m): m is MethodScores => m !== undefined);
  const cdm = methods.find((m) => m.name === 'CDM');
  const image = (data: Float32Array): Panel => ({ data, window: [-1, 1] });
  const grid = indices.map((i, row) => {
    const example = (m: MethodScores | undefined) => {
      const all = m?.examples?.[target];
      if (!all) throw new RangeError(`translationMontage: method '${m?.name ?? 'CDM'}' kept no examples for ${target}; pass the same indices to evaluateTranslation's examples.`);
      return all.subarray(row * n, (row + 1) * n);
    };
    const truth = sliceChannel(slices, i, targetChannel!);
    const ours = example(cdm);
    return [
      ...sourceChannels.map((k) => image(sliceChannel(slices, i, k))),
      ...shown.map((m) => image(example(m))),
      image(truth),
      { data: ours.map((v, p) => Math.abs(v - truth[p]!)), window: [0, 0.5] as const },
    ];
  });
  return montagePng(grid, slices.size, slices.size, Math.max(1, Math.floor(128 / slices.size)));
}
