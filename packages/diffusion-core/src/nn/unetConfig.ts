import { ConfigError } from '../errors';
import { EMBEDDING_INJECTION_MODES, type EmbeddingInjectionMode } from './embeddingInjection';

export const UNET_CONFIG_VERSION = 1;

/**
 * Everything that defines a U-Net's topology. Plain JSON; saved beside every set of weights.
 * Per-level arrays follow `channelMultipliers` (level 0 is full resolution).
 */
export interface UNetConfig {
  version: typeof UNET_CONFIG_VERSION;
  /** Channels of the network input: the noisy image plus any image condition concatenated to it. */
  inChannels: number;
  outChannels: number;
  baseChannels: number;
  channelMultipliers: number[];
  /** ResBlocks per level on the way down (the way up has one more, for the extra skip). */
  numResBlocks: number[];
  /** Self-attention after the ResBlocks of a level. */
  attentionLevels: boolean[];
  numHeads: number;
  groups: number;
  dropout: number;
  /** Diffusion U-Nets take a timestep; CDM's MRM and C-UNet do not. */
  timeEmbedding: boolean;
  /** Length of a conditioning vector embedded by an MLP and added to the time embedding; 0 for none. */
  conditionDim: number;
  embeddingInjection: EmbeddingInjectionMode;
}

export const DEFAULT_UNET_CONFIG: Readonly<UNetConfig> = Object.freeze({
  version: UNET_CONFIG_VERSION,
  inChannels: 2,
  outChannels: 1,
  baseChannels: 64,
  channelMultipliers: [1, 2, 4, 8],
  numResBlocks: [2, 2, 2, 2],
  attentionLevels: [false, false, false, true],
  numHeads: 4,
  groups: 32,
  dropout: 0,
  timeEmbedding: true,
  conditionDim: 0,
  embeddingInjection: 'scale-shift',
});

/** Merges overrides onto the defaults and validates; the one entry point for U-Net configs. */
export function resolveUNetConfig(overrides: Partial<UNetConfig> = {}): UNetConfig {
  const c: UNetConfig = { ...structuredClone(DEFAULT_UNET_CONFIG) as UNetConfig, ...structuredClone(overrides) };
  validateUNetConfig(c);
  return c;
}

/** The factor an input's height and width must be a multiple of. */
export function unetSizeMultiple(c: UNetConfig): number {
  return 2 ** (c.channelMultipliers.length - 1);
}

function positiveInteger(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`UNetConfig.${name} must be a positive integer, got ${v}.`);
}

/** One rule, one error: each message names the field and the allowed values. */
export function validateUNetConfig(c: UNetConfig): void {
  if (c.version !== UNET_CONFIG_VERSION) {
    throw new ConfigError(`UNetConfig.version ${String(c.version)} is not supported; this package reads version ${UNET_CONFIG_VERSION}.`);
  }
  positiveInteger('inChannels', c.inChannels);
  positiveInteger('outChannels', c.outChannels);
  positiveInteger('baseChannels', c.baseChannels);
  positiveInteger('numHeads', c.numHeads);
  positiveInteger('groups', c.groups);
  const levels = c.channelMultipliers.length;
  if (levels < 1) throw new ConfigError('UNetConfig.channelMultipliers needs at least one level.');
  c.channelMultipliers.forEach((m, i) => positiveInteger(`channelMultipliers[${i}]`, m));
  if (c.numResBlocks.length !== levels) {
    throw new ConfigError(`UNetConfig.numResBlocks has ${c.numResBlocks.length} entries but channelMultipliers has ${levels}; give one per level.`);
  }
  c.numResBlocks.forEach((m, i) => positiveInteger(`numResBlocks[${i}]`, m));
  if (c.attentionLevels.length !== levels) {
    throw new ConfigError(`UNetConfig.attentionLevels has ${c.attentionLevels.length} entries but channelMultipliers has ${levels}; give one per level.`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ConfigError(`UNetConfig.dropout must be in [0, 1), got ${c.dropout}.`);
  if (!Number.isInteger(c.conditionDim) || c.conditionDim < 0) {
    throw new ConfigError(`UNetConfig.conditionDim must be an integer >= 0 (0 = no condition vector), got ${c.conditionDim}.`);
  }
  if (!EMBEDDING_INJECTION_MODES.includes(c.embeddingInjection)) {
    throw new ConfigError(`UNetConfig.embeddingInjection '${c.embeddingInjection}' is unknown. Allowed: ${EMBEDDING_INJECTION_MODES.join(', ')}.`);
  }
  // Every normalised feature map (including the concatenations on the way up) must split into groups.
  for (const [where, ch] of normalisedChannelCounts(c)) {
    if (ch % c.groups !== 0) {
      throw new ConfigError(`UNetConfig.groups = ${c.groups} does not divide the ${ch} channels at ${where}; choose groups that divide baseChannels times every multiplier and their skip sums.`);
    }
    if (where.includes('attention') && ch % c.numHeads !== 0) {
      throw new ConfigError(`UNetConfig.numHeads = ${c.numHeads} does not divide the ${ch} channels at ${where}.`);
    }
  }
}

/** The channel count entering each GroupNorm, with a description of where it is. */
export function normalisedChannelCounts(c: UNetConfig): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const skips: number[] = [c.baseChannels];
  let ch = c.baseChannels;
  c.channelMultipliers.forEach((m, level) => {
    for (let r = 0; r < c.numResBlocks[level]!; r++) {
      out.push([`down level ${level} block ${r}`, ch]);
      ch = c.baseChannels * m;
      out.push([`down level ${level} block ${r} (second norm)`, ch]);
      if (c.attentionLevels[level]) out.push([`down level ${level} attention`, ch]);
      skips.push(ch);
    }
    if (level < c.channelMultipliers.length - 1) skips.push(ch);
  });
  out.push(['middle', ch]);
  out.push(['middle attention', ch]);
  for (let level = c.channelMultipliers.length - 1; level >= 0; level--) {
    const m = c.channelMultipliers[level]!;
    for (let r = 0; r <= c.numResBlocks[level]!; r++) {
      out.push([`up level ${level} block ${r}`, ch + skips.pop()!]);
      ch = c.baseChannels * m;
      if (c.attentionLevels[level]) out.push([`up level ${level} attention`, ch]);
    }
  }
  out.push(['output', ch]);
  return out;
}
