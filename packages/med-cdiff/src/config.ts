import { ConfigError, DEFAULT_NOISE_SCHEDULE, PREDICTION_TYPES, resolveUNetConfig, unetPreset, type NoiseScheduleConfig, type PredictionType, type UNetConfig, type UNetPresetName } from '@meddiff/diffusion-core';
import { validateAugmentation, type AugmentationConfig } from './degradations/augment';

export const MED_CDIFF_MODEL_CLASS = 'MedCDiff';
export const MED_CDIFF_CONFIG_VERSION = 1;

/** One model per task, as in the paper. */
export type MedCDiffTask = 'super-resolution' | 'denoising' | 'inpainting';
export const MED_CDIFF_TASKS: readonly MedCDiffTask[] = ['super-resolution', 'denoising', 'inpainting'];

/** How training pairs are made (and evaluation inputs, with a fixed seed). Values are in the [-1, 1] scale. */
export interface DegradationConfig {
  /** Super-resolution factors the model learns (the paper: 2 sqrt 2, 4, 4 sqrt 2; 8, 8 sqrt 2, 16). */
  factors: number[];
  /** Denoising: Gaussian standard deviation drawn uniformly in this range. */
  gaussianSigma: [number, number];
  /** Denoising: share of pixels set to salt or pepper, drawn uniformly in this range. */
  saltPepper: [number, number];
  /** Inpainting: mask kinds drawn with equal chance. */
  maskKinds: Array<'box' | 'stroke'>;
  /** Inpainting: share of the image a mask covers, drawn in this range. */
  maskCoverage: [number, number];
}

/** What is diffused and what the network predicts. The paper: the clean image, epsilon, plain MSE. */
export interface MedCDiffObjective {
  /** The network's output: the noise (the paper), the clean sample, or v (Salimans and Ho 2022). */
  prediction: PredictionType;
  /**
   * 'image': diffuse the clean image (the paper). 'residual': diffuse (clean - condition image) /
   * residualScale, where the condition image is the bicubic upsampling (super-resolution) or the
   * noisy slice (denoising), so the model learns only what the degradation removed. Not for
   * inpainting, whose condition has no image inside the hole.
   */
  target: 'image' | 'residual';
  /** Divides the residual so it has roughly unit spread; 1 for target 'image'. */
  residualScale: number;
  /** Hang et al. 2023 min-SNR-gamma loss weighting; 0 for the plain loss. */
  minSnrGamma: number;
}

export const OBJECTIVE_TARGETS: readonly MedCDiffObjective['target'][] = ['image', 'residual'];

/** The paper's objective; also what a config saved before `objective` existed means. */
export const PAPER_OBJECTIVE: Readonly<MedCDiffObjective> = Object.freeze({ prediction: 'epsilon', target: 'image', residualScale: 1, minSnrGamma: 0 });

export interface MedCDiffConfig {
  version: typeof MED_CDIFF_CONFIG_VERSION;
  task: MedCDiffTask;
  /** Side of the square training images (the paper: 128). Inference takes any size. */
  imageSize: number;
  unet: UNetConfig;
  noiseSchedule: NoiseScheduleConfig;
  degradation: DegradationConfig;
  /** Per-image (per-volume when the caller supplies stats) percentiles mapped to [-1, 1]. */
  normalization: { lowPercentile: number; highPercentile: number };
  objective: MedCDiffObjective;
  /** Training-time augmentation of the clean slices; absent (the paper, and configs saved before it existed) for none. */
  augmentation?: AugmentationConfig;
  /**
   * How these weights sample best when the caller does not say: the sampler temperature chosen on
   * the validation split (1 samples the model's distribution; lower is closer to its mean). Absent for 1.
   */
  sampling?: { temperature: number };
}

export type MedCDiffPresetName = 'paper' | 'small' | 'tiny';

const PRESET_UNET: Record<MedCDiffPresetName, UNetPresetName> = { paper: 'paper128', small: 'small', tiny: 'tiny' };
const PRESET_SIZE: Record<MedCDiffPresetName, number> = { paper: 128, small: 64, tiny: 16 };

export const DEFAULT_DEGRADATION: Readonly<DegradationConfig> = Object.freeze<DegradationConfig>({
  factors: [2, 4],
  gaussianSigma: [0.02, 0.15],
  saltPepper: [0, 0.03],
  maskKinds: ['box', 'stroke'],
  maskCoverage: [0.05, 0.25],
});

/** Channels of the network input: the noisy image, then the condition (plus the mask when inpainting). */
export function conditionChannels(task: MedCDiffTask): number {
  return task === 'inpainting' ? 2 : 1;
}

/**
 * A complete config for a task from a preset: `paper` is the paper's scale (128 px, a 63 M
 * parameter U-Net, linear T = 2000), `small` trains on a CPU (64 px), `tiny` is for tests.
 */
export function medCDiffConfig(task: MedCDiffTask, preset: MedCDiffPresetName, overrides: Partial<Omit<MedCDiffConfig, 'task'>> = {}): MedCDiffConfig {
  if (!MED_CDIFF_TASKS.includes(task)) throw new ConfigError(`Unknown task '${String(task)}'. Allowed: ${MED_CDIFF_TASKS.join(', ')}.`);
  if (!(preset in PRESET_UNET)) throw new ConfigError(`Unknown preset '${String(preset)}'. Allowed: ${Object.keys(PRESET_UNET).join(', ')}.`);
  const config: MedCDiffConfig = {
    version: MED_CDIFF_CONFIG_VERSION,
    task,
    imageSize: PRESET_SIZE[preset],
    unet: resolveUNetConfig({ ...unetPreset(PRESET_UNET[preset]), inChannels: 1 + conditionChannels(task), outChannels: 1 }),
    noiseSchedule: { ...DEFAULT_NOISE_SCHEDULE },
    degradation: structuredClone(DEFAULT_DEGRADATION) as DegradationConfig,
    normalization: { lowPercentile: 0.5, highPercentile: 99.5 },
    objective: { ...PAPER_OBJECTIVE },
    ...overrides,
  };
  validateMedCDiffConfig(config);
  return config;
}

/** A saved config as this version reads it: one saved before `objective` existed has the paper's. */
export function resolveMedCDiffConfig(saved: MedCDiffConfig): MedCDiffConfig {
  const config = { ...saved, objective: { ...PAPER_OBJECTIVE, ...saved.objective } };
  validateMedCDiffConfig(config);
  return config;
}

export function validateMedCDiffConfig(c: MedCDiffConfig): void {
  if (c.version !== MED_CDIFF_CONFIG_VERSION) throw new ConfigError(`MedCDiffConfig.version ${String(c.version)} is not supported; this package reads ${MED_CDIFF_CONFIG_VERSION}.`);
  if (!MED_CDIFF_TASKS.includes(c.task)) throw new ConfigError(`Unknown task '${String(c.task)}'. Allowed: ${MED_CDIFF_TASKS.join(', ')}.`);
  resolveUNetConfig(c.unet);
  const expected = 1 + conditionChannels(c.task);
  if (c.unet.inChannels !== expected) throw new ConfigError(`A ${c.task} model's U-Net takes ${expected} input channels, the config says ${c.unet.inChannels}.`);
  if (!Number.isInteger(c.imageSize) || c.imageSize % 2 ** (c.unet.channelMultipliers.length - 1) !== 0) {
    throw new ConfigError(`imageSize ${c.imageSize} must be a multiple of ${2 ** (c.unet.channelMultipliers.length - 1)} for this U-Net.`);
  }
  const d = c.degradation;
  if (!d.factors.length || d.factors.some((f) => !(f > 1))) throw new ConfigError(`degradation.factors must be numbers > 1, got [${d.factors}].`);
  for (const [name, [lo, hi]] of [['gaussianSigma', d.gaussianSigma], ['saltPepper', d.saltPepper], ['maskCoverage', d.maskCoverage]] as const) {
    if (!(lo >= 0 && hi >= lo && hi < 1)) throw new ConfigError(`degradation.${name} must be a range [low, high] in [0, 1), got [${lo}, ${hi}].`);
  }
  if (!d.maskKinds.length || d.maskKinds.some((k) => k !== 'box' && k !== 'stroke')) throw new ConfigError(`degradation.maskKinds must list 'box' and/or 'stroke'.`);
  const o = c.objective;
  if (!o) throw new ConfigError('MedCDiffConfig.objective is missing; build configs with medCDiffConfig() or read saved ones with resolveMedCDiffConfig().');
  if (!PREDICTION_TYPES.includes(o.prediction)) throw new ConfigError(`objective.prediction '${String(o.prediction)}' is unknown. Allowed: ${PREDICTION_TYPES.join(', ')}.`);
  if (!OBJECTIVE_TARGETS.includes(o.target)) throw new ConfigError(`objective.target '${String(o.target)}' is unknown. Allowed: ${OBJECTIVE_TARGETS.join(', ')}.`);
  if (o.target === 'residual' && c.task === 'inpainting') throw new ConfigError("objective.target 'residual' does not apply to inpainting (the condition has no image inside the hole); use 'image'.");
  if (!(o.residualScale > 0)) throw new ConfigError(`objective.residualScale must be > 0, got ${o.residualScale}.`);
  if (o.target === 'image' && o.residualScale !== 1) throw new ConfigError(`objective.residualScale only applies to target 'residual'; leave it at 1, got ${o.residualScale}.`);
  if (!(o.minSnrGamma >= 0)) throw new ConfigError(`objective.minSnrGamma must be >= 0 (0 for the plain loss), got ${o.minSnrGamma}.`);
  if (c.augmentation) validateAugmentation(c.augmentation);
  if (c.sampling !== undefined && !(c.sampling.temperature >= 0 && Number.isFinite(c.sampling.temperature))) {
    throw new ConfigError(`sampling.temperature must be a number >= 0, got ${String(c.sampling.temperature)}.`);
  }
}
