import type { UNetConfig } from './unetConfig';

/**
 * Named starting points. `paper128` follows the scale of Med-cDiff and SR3/Palette at 128 x 128
 * (base 64 channels, multipliers 1-2-4-8, two ResBlocks per level, attention at 16 x 16).
 * `small` trains on a CPU in minutes; `tiny` exists for tests and browser smoke runs.
 * Channel counts for the image and its condition are set by the model package.
 */
export const UNET_PRESETS = {
  paper128: {
    baseChannels: 64,
    channelMultipliers: [1, 2, 4, 8],
    numResBlocks: [2, 2, 2, 2],
    attentionLevels: [false, false, false, true],
    numHeads: 4,
    groups: 32,
    dropout: 0.1,
    embeddingInjection: 'scale-shift',
  },
  small: {
    baseChannels: 32,
    channelMultipliers: [1, 2, 2],
    numResBlocks: [1, 1, 1],
    attentionLevels: [false, false, true],
    numHeads: 2,
    groups: 8,
    dropout: 0,
    embeddingInjection: 'scale-shift',
  },
  tiny: {
    baseChannels: 8,
    channelMultipliers: [1, 2],
    numResBlocks: [1, 1],
    attentionLevels: [false, true],
    numHeads: 1,
    groups: 4,
    dropout: 0,
    embeddingInjection: 'scale-shift',
  },
} as const satisfies Record<string, Partial<UNetConfig>>;

export type UNetPresetName = keyof typeof UNET_PRESETS;

/** A preset as a mutable partial config, ready to be merged with the model's channel counts. */
export function unetPreset(name: UNetPresetName): Partial<UNetConfig> {
  return structuredClone(UNET_PRESETS[name]) as unknown as Partial<UNetConfig>;
}
