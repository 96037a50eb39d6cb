import { ConfigError, RECONSTRUCTION_LOSSES, resolveUNetConfig, unetSizeMultiple, type NoiseScheduleConfig, type ReconstructionLoss, type UNetConfig } from '@meddiff/diffusion-core';
import { modalityPreset, validateModalitySetting, type Modality, type ModalityPresetName, type ModalitySetting } from './modalities';

export const CDM_MODEL_CLASS = 'CDM';
export const CDM_CONFIG_VERSION = 1;

/** MRM: a masked autoencoder (He et al. 2022) built as a U-Net without time input. */
export interface MrmConfig {
  /** One channel in and out: the MRM sees one contrast at a time and encodes each into its own vector. */
  unet: UNetConfig;
  /** Side of the square patches that are masked, in pixels. */
  patchSize: number;
  /** Share of patches set to zero in each training image (the paper: 75 %). */
  maskRatio: number;
}

/** Whether the MDN samples the target representation given the sources' (the authors' 3-D code) or unconditionally (their 2-D code). */
export type MdnConditioning = 'source' | 'none';
export const MDN_CONDITIONINGS: readonly MdnConditioning[] = ['source', 'none'];

/** MDN: a diffusion model over representation vectors with a residual MLP denoiser. */
export interface MdnConfig {
  hiddenDim: number;
  numBlocks: number;
  /** Width of the sinusoidal timestep features before their MLP. */
  timeEmbeddingDim: number;
  conditioning: MdnConditioning;
  /** Add the Gaussian posterior mean sqrt(alpha-bar_t) x_t to the MLP's x0 prediction (see ModalityDecoupledDiffusion); default true. */
  gaussianSkip: boolean;
  /** The paper's schedule: scaled-linear betas 0.0015 to 0.0195, T = 1000; x0-parameterised. */
  noiseSchedule: NoiseScheduleConfig;
  /** DDIM steps when the caller gives none (the paper samples in 10 to 50). */
  samplingSteps: number;
}

export interface CunetConfig {
  /** Sources in, targets out, the target representation as condition vector ('add' injection). */
  unet: UNetConfig;
}

export interface CdmConfig {
  version: typeof CDM_CONFIG_VERSION;
  modalities: ModalitySetting;
  /** Side of the square training slices. Inference takes any size (padded to the U-Net's multiple). */
  imageSize: number;
  mrm: MrmConfig;
  mdn: MdnConfig;
  cunet: CunetConfig;
  /** Reconstruction loss of the MRM and C-UNet stages (the paper: MSE or L1). */
  loss: ReconstructionLoss;
  /** Every input slice is mapped to [-1, 1] by these percentiles of its own values. */
  normalization: { lowPercentile: number; highPercentile: number };
}

export type CdmSizePresetName = 'paper' | 'small' | 'tiny';
export const CDM_SIZE_PRESETS: readonly CdmSizePresetName[] = ['paper', 'small', 'tiny'];

export const CDM_NOISE_SCHEDULE: Readonly<NoiseScheduleConfig> = Object.freeze({
  betaSchedule: 'scaled-linear',
  numTrainTimesteps: 1000,
  betaStart: 0.0015,
  betaEnd: 0.0195,
  rescaleZeroTerminalSnr: false,
});

interface SizePreset {
  imageSize: number;
  unet: Partial<UNetConfig>;
  patchSize: number;
  mdn: Pick<MdnConfig, 'hiddenDim' | 'numBlocks' | 'timeEmbeddingDim'>;
}

/**
 * `paper`: 128 px, a 192-long vector per contrast as in the authors' code (base 64 channels,
 * multipliers 1-2-3); `small`: 64 px, 64-long vectors (about 0.6 M parameters per U-Net);
 * `tiny`: 32 px, 32-long vectors (about 0.15 M), for tests and quick runs on a CPU.
 */
const SIZE_PRESETS: Record<CdmSizePresetName, SizePreset> = {
  paper: {
    imageSize: 128,
    unet: { baseChannels: 64, channelMultipliers: [1, 2, 3], numResBlocks: [2, 2, 2], attentionLevels: [false, false, true], numHeads: 4, groups: 32, dropout: 0 },
    patchSize: 8,
    mdn: { hiddenDim: 768, numBlocks: 6, timeEmbeddingDim: 128 },
  },
  small: {
    imageSize: 64,
    unet: { baseChannels: 16, channelMultipliers: [1, 2, 4], numResBlocks: [1, 1, 1], attentionLevels: [false, false, false], numHeads: 2, groups: 8, dropout: 0 },
    patchSize: 4,
    mdn: { hiddenDim: 256, numBlocks: 4, timeEmbeddingDim: 64 },
  },
  tiny: {
    imageSize: 32,
    unet: { baseChannels: 8, channelMultipliers: [1, 2, 4], numResBlocks: [1, 1, 1], attentionLevels: [false, false, false], numHeads: 1, groups: 4, dropout: 0 },
    patchSize: 4,
    mdn: { hiddenDim: 128, numBlocks: 3, timeEmbeddingDim: 32 },
  },
};

/** Length of one contrast's representation vector: the channels of the MRM's bottleneck. */
export function representationDim(mrmUnet: Pick<UNetConfig, 'baseChannels' | 'channelMultipliers'>): number {
  return mrmUnet.baseChannels * mrmUnet.channelMultipliers[mrmUnet.channelMultipliers.length - 1]!;
}

/** Contrasts the MRM encodes: the targets, and the sources too when the MDN is conditioned on them. */
export function mrmModalities(c: Pick<CdmConfig, 'modalities' | 'mdn'>): Modality[] {
  return c.mdn.conditioning === 'source' ? [...c.modalities.targets, ...c.modalities.sources] : [...c.modalities.targets];
}

/** Length of the vector the MDN samples and the C-UNet takes: one representation per target, concatenated. */
export function targetVectorDim(c: Pick<CdmConfig, 'modalities' | 'mrm'>): number {
  return representationDim(c.mrm.unet) * c.modalities.targets.length;
}

/** Length of the MDN's condition: one representation per source, concatenated (0 when unconditional). */
export function sourceVectorDim(c: Pick<CdmConfig, 'modalities' | 'mrm' | 'mdn'>): number {
  return c.mdn.conditioning === 'source' ? representationDim(c.mrm.unet) * c.modalities.sources.length : 0;
}

export interface CdmConfigOptions {
  /** A named modality setting or your own sources and targets; default 't1-to-t2-flair'. */
  modalities?: ModalityPresetName | ModalitySetting;
  size?: CdmSizePresetName;
  /** Any field replaced after the preset is built (validated like the rest). */
  overrides?: Partial<Omit<CdmConfig, 'version'>>;
}

/** A complete, validated config from a modality setting and a size preset. */
export function cdmConfig(options: CdmConfigOptions = {}): CdmConfig {
  const size = options.size ?? 'small';
  const preset = SIZE_PRESETS[size];
  if (!preset) throw new ConfigError(`Unknown size preset '${String(size)}'. Allowed: ${CDM_SIZE_PRESETS.join(', ')}.`);
  const m = options.modalities ?? 't1-to-t2-flair';
  const modalities = typeof m === 'string' ? modalityPreset(m) : { sources: [...m.sources], targets: [...m.targets] };
  validateModalitySetting(modalities);
  const common = { ...preset.unet, timeEmbedding: false, embeddingInjection: 'add' as const };
  const mrmUnet = resolveUNetConfig({ ...common, inChannels: 1, outChannels: 1, conditionDim: 0 });
  const config: CdmConfig = {
    version: CDM_CONFIG_VERSION,
    modalities,
    imageSize: preset.imageSize,
    mrm: { unet: mrmUnet, patchSize: preset.patchSize, maskRatio: 0.75 },
    mdn: { ...preset.mdn, conditioning: 'source', gaussianSkip: true, noiseSchedule: { ...CDM_NOISE_SCHEDULE }, samplingSteps: 20 },
    cunet: { unet: resolveUNetConfig({ ...common, inChannels: modalities.sources.length, outChannels: modalities.targets.length, conditionDim: representationDim(mrmUnet) * modalities.targets.length }) },
    loss: 'l1',
    normalization: { lowPercentile: 0.5, highPercentile: 99.5 },
    ...structuredClone(options.overrides ?? {}),
  };
  // A changed modality setting or MRM changes the C-UNet's channels and condition length.
  if (options.overrides && !options.overrides.cunet) {
    config.cunet.unet = resolveUNetConfig({ ...config.cunet.unet, inChannels: config.modalities.sources.length, outChannels: config.modalities.targets.length, conditionDim: targetVectorDim(config) });
  }
  validateCdmConfig(config);
  return config;
}

/** One rule, one error; each message names the field and what is allowed. */
export function validateCdmConfig(c: CdmConfig): void {
  if (c.version !== CDM_CONFIG_VERSION) throw new ConfigError(`CdmConfig.version ${String(c.version)} is not supported; this package reads ${CDM_CONFIG_VERSION}.`);
  validateModalitySetting(c.modalities);
  const mrm = resolveUNetConfig(c.mrm.unet);
  const cunet = resolveUNetConfig(c.cunet.unet);
  if (mrm.timeEmbedding || cunet.timeEmbedding) throw new ConfigError('The MRM and the C-UNet take no timestep: set timeEmbedding false in mrm.unet and cunet.unet (CDM runs them in one forward pass).');
  if (mrm.inChannels !== 1 || mrm.outChannels !== 1 || mrm.conditionDim !== 0) throw new ConfigError(`mrm.unet must take and give one channel with no condition (it encodes one contrast at a time), got in ${mrm.inChannels}, out ${mrm.outChannels}, conditionDim ${mrm.conditionDim}.`);
  if (cunet.inChannels !== c.modalities.sources.length) throw new ConfigError(`cunet.unet.inChannels is ${cunet.inChannels} but there are ${c.modalities.sources.length} sources (${c.modalities.sources.join(', ')}).`);
  if (cunet.outChannels !== c.modalities.targets.length) throw new ConfigError(`cunet.unet.outChannels is ${cunet.outChannels} but there are ${c.modalities.targets.length} targets (${c.modalities.targets.join(', ')}).`);
  if (cunet.conditionDim !== targetVectorDim(c)) throw new ConfigError(`cunet.unet.conditionDim is ${cunet.conditionDim}; the target representation has ${targetVectorDim(c)} values (${representationDim(mrm)} per target x ${c.modalities.targets.length}).`);
  if (cunet.embeddingInjection !== 'add') throw new ConfigError(`cunet.unet.embeddingInjection must be 'add' (the Condition Embedding adds a per-channel projection after the first convolution), got '${cunet.embeddingInjection}'.`);
  const multiple = Math.max(unetSizeMultiple(mrm), unetSizeMultiple(cunet));
  if (!Number.isInteger(c.imageSize) || c.imageSize < multiple || c.imageSize % multiple !== 0) throw new ConfigError(`imageSize ${c.imageSize} must be a positive multiple of ${multiple} for these U-Nets.`);
  if (!Number.isInteger(c.mrm.patchSize) || c.mrm.patchSize < 1 || c.imageSize % c.mrm.patchSize !== 0) throw new ConfigError(`mrm.patchSize ${c.mrm.patchSize} must be a positive integer dividing imageSize ${c.imageSize}.`);
  if (!(c.mrm.maskRatio >= 0 && c.mrm.maskRatio < 1)) throw new ConfigError(`mrm.maskRatio must be in [0, 1), got ${c.mrm.maskRatio}.`);
  for (const k of ['hiddenDim', 'numBlocks', 'timeEmbeddingDim'] as const) {
    if (!Number.isInteger(c.mdn[k]) || c.mdn[k] < 1) throw new ConfigError(`mdn.${k} must be a positive integer, got ${c.mdn[k]}.`);
  }
  if (typeof c.mdn.gaussianSkip !== 'boolean') throw new ConfigError(`mdn.gaussianSkip must be true or false, got ${String(c.mdn.gaussianSkip)}.`);
  if (!MDN_CONDITIONINGS.includes(c.mdn.conditioning)) throw new ConfigError(`mdn.conditioning '${String(c.mdn.conditioning)}' is unknown. Allowed: ${MDN_CONDITIONINGS.join(', ')}.`);
  if (!Number.isInteger(c.mdn.samplingSteps) || c.mdn.samplingSteps < 1 || c.mdn.samplingSteps > c.mdn.noiseSchedule.numTrainTimesteps) throw new ConfigError(`mdn.samplingSteps must be an integer in [1, ${c.mdn.noiseSchedule.numTrainTimesteps}], got ${c.mdn.samplingSteps}.`);
  if (!RECONSTRUCTION_LOSSES.includes(c.loss)) throw new ConfigError(`loss '${String(c.loss)}' is unknown. Allowed: ${RECONSTRUCTION_LOSSES.join(', ')}.`);
  const n = c.normalization;
  if (!(n.lowPercentile >= 0 && n.highPercentile <= 100 && n.lowPercentile < n.highPercentile)) throw new ConfigError(`normalization percentiles must satisfy 0 <= low < high <= 100, got ${n.lowPercentile} and ${n.highPercentile}.`);
}
