// Errors
export { MedDiffError, ConfigError, ShapeError, StateError, WeightsError, BackendError, CancelledError, throwIfAborted } from './errors';
export type { WeightsErrorCode } from './errors';
// Schedules
export { betaSchedules, BetaScheduleRegistry } from './schedules/betaSchedules';
export type { BetaScheduleFn, BetaScheduleOptions, BuiltInBetaSchedule } from './schedules/betaSchedules';
export { rescaleZeroTerminalSnr } from './schedules/zeroTerminalSnr';
export { NoiseSchedule, DEFAULT_NOISE_SCHEDULE } from './schedules/noiseSchedule';
export type { NoiseScheduleConfig, ScheduleTensors } from './schedules/noiseSchedule';
export { toX0AndEpsilon, epsilonFromX0, trainingTarget, PREDICTION_TYPES } from './schedules/parameterization';
export type { PredictionType, AlphaBar } from './schedules/parameterization';
export { addNoise, gatherAlphaBar } from './schedules/forwardProcess';
// Samplers
export type { Scheduler, StepResult, SchedulerOptions } from './samplers/scheduler';
export { DdpmScheduler } from './samplers/ddpm';
export type { DdpmOptions, DdpmVariance } from './samplers/ddpm';
export { DdimScheduler } from './samplers/ddim';
export type { DdimOptions } from './samplers/ddim';
export { DpmSolverMultistepScheduler } from './samplers/dpmSolverMultistep';
export type { DpmSolverOptions } from './samplers/dpmSolverMultistep';
export { spaceTimesteps, TIMESTEP_SPACINGS } from './samplers/timestepSpacing';
export type { TimestepSpacing } from './samplers/timestepSpacing';
export { processX0, CLIP_TO_UNIT_RANGE } from './samplers/x0Processing';
export type { X0Processing } from './samplers/x0Processing';
export { repaintSchedule } from './samplers/repaintSchedule';
export type { LevelMove, ResamplingOptions } from './samplers/repaintSchedule';
export { sample } from './samplers/sample';
export type { Denoiser, SampleOptions, SamplingProgress, InpaintingOptions } from './samplers/sample';
export { seededNormal, mixSeed } from './samplers/seededNoise';
// Networks
export { GroupNormalization } from './nn/groupNormalization';
export { SinusoidalEmbedding, sinusoidalEmbedding } from './nn/sinusoidalEmbedding';
export { EmbeddingInjection } from './nn/embeddingInjection';
export type { EmbeddingInjectionMode } from './nn/embeddingInjection';
export { SpatialSelfAttention } from './nn/spatialSelfAttention';
export { registerCustomLayers } from './nn/customLayers';
export { resBlock, attentionBlock, downsample, upsample } from './nn/blocks';
export { UNet } from './nn/unet';
export type { UNetInputs } from './nn/unet';
export { resolveUNetConfig, DEFAULT_UNET_CONFIG, UNET_CONFIG_VERSION, unetSizeMultiple } from './nn/unetConfig';
export type { UNetConfig } from './nn/unetConfig';
export { UNET_PRESETS, unetPreset } from './nn/unetPresets';
export type { UNetPresetName } from './nn/unetPresets';
// Runtime
export { yieldToEventLoop } from './runtime/yieldToEventLoop';
export { selectBackend, BACKEND_NAMES, BACKEND_PACKAGES } from './runtime/selectBackend';
export type { BackendName, BackendChoice, SelectBackendOptions } from './runtime/selectBackend';
// Weights I/O
export { memoryWeightsStore } from './io/weightsStore';
export type { WeightsStore } from './io/weightsStore';
export { httpWeightsStore } from './io/httpWeightsStore';
export { openWeightsStore } from './io/openWeightsStore';
export { saveModel, readSavedModel, assignWeights, SAVED_MODEL_FORMAT_VERSION } from './io/savedModel';
export type { SavedModelMetadata, SaveModelOptions, LoadedWeights, StorageDtype } from './io/savedModel';
export { saveUNet, loadUNet, UNET_MODEL_CLASS } from './io/unetWeights';
export { sha256Hex } from './io/sha256';
// Training
export { Trainer } from './train/trainer';
export type { TrainerOptions, LossFunction, LossContext, TrainingLog, TrainingSummary } from './train/trainer';
export { resolveTrainerConfig, DEFAULT_TRAINER_CONFIG, TRAINER_CONFIG_VERSION } from './train/trainerConfig';
export type { TrainerConfig } from './train/trainerConfig';
export { diffusionLoss, reconstructionLoss, RECONSTRUCTION_LOSSES } from './train/objectives';
export type { DiffusionLossOptions, ReconstructionLoss } from './train/objectives';
export { learningRateAt } from './train/learningRate';
export type { LearningRateConfig } from './train/learningRate';
export { AdamW, DEFAULT_ADAMW } from './train/adamW';
export type { AdamWConfig } from './train/adamW';
export { ExponentialMovingAverage } from './train/ema';
export type { EmaConfig } from './train/ema';
export { clipByGlobalNorm } from './train/gradientClipping';
export { ArrayBatchSource, IndexedBatchSource, ShuffledIndices, seededUniform } from './train/batchSource';
export type { BatchSource, BatchSourcePosition, ItemArray } from './train/batchSource';
export { CheckpointManager } from './train/checkpoints';
export type { TrainingState, TrainingTensors } from './train/checkpoints';
export { TrainingDivergedError } from './errors';
export { registerWasmGradientKernels, WASM_GRADIENT_KERNEL_NAMES, UnsupportedKernelAttributesError, WasmKernelUnavailableError } from './runtime/wasm-gradients/index';
export type { WasmGradientKernelOptions } from './runtime/wasm-gradients/index';
