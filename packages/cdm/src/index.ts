// @meddiff/cdm: browser-safe (no node: imports); Node-only helpers are in '@meddiff/cdm/node'.
export { cdmConfig, validateCdmConfig, representationDim, targetVectorDim, sourceVectorDim, mrmModalities, CDM_MODEL_CLASS, CDM_CONFIG_VERSION, CDM_NOISE_SCHEDULE, CDM_SIZE_PRESETS, MDN_CONDITIONINGS } from './config';
export type { CdmConfig, CdmConfigOptions, CdmSizePresetName, MrmConfig, MdnConfig, MdnConditioning, CunetConfig } from './config';
export { MODALITY_PRESETS, SIMULATED_MODALITIES, modalityPreset, resolveRequest, validateModalitySetting, sameModality } from './modalities';
export type { Modality, ModalitySetting, ModalityPresetName, SimulatedModality } from './modalities';
export { UnsupportedModalityError, NotCoregisteredError, InvalidInputError, SimulationError } from './errors';
export { CdmModel, CDM_PARTS, CDM_INDEX_FILE, RESEARCH_USE } from './model';
export type { CdmPart, ModelCard } from './model';
// Networks
export { MaskedRepresentationModel, MRM_BOTTLENECK_LAYER } from './nn/mrm';
export { ModalityDecoupledDiffusion } from './nn/mdn';
export type { MdnNetworkOptions, MdnSampleOptions } from './nn/mdn';
export { buildResidualMlp } from './nn/residualMlp';
export type { ResidualMlpOptions } from './nn/residualMlp';
export { patchKeepMask, patchKeepMaskValues } from './nn/patchMask';
export { poolAndStandardize, standardizeRows, standardizeGroups } from './nn/representation';
export { translateTensors } from './translateTensors';
// Pipeline
export { CdmPipeline } from './pipeline/cdmPipeline';
export type { TranslateOptions, TranslateProgress, TranslateResult, TranslatedImage, TranslateStage } from './pipeline/cdmPipeline';
export { checkCoregistered, DEFAULT_COREGISTRATION_TOLERANCE } from './pipeline/coregistration';
export type { CoregistrationTolerance } from './pipeline/coregistration';
export type { SliceInput } from './pipeline/sliceInput';
// Simulator
export { TISSUES, TISSUE_TABLE, TISSUE_JITTER, drawTissueParameters, nominalTissueParameters } from './simulate/tissues';
export type { Tissue, TissueProperties, TissueParameters, TissueEntry } from './simulate/tissues';
export { CONTRAST_PRESETS, tissueSignal, nullingInversionTime, inversionTime, enhancedT1 } from './simulate/sequences';
export type { Sequence, SpinEcho, InversionRecovery, ContrastAgent, ContrastSpec } from './simulate/sequences';
export { drawVirtualSubject, DEFAULT_SUBJECT_RANGES } from './simulate/virtualSubject';
export type { VirtualSubject, VirtualSubjectRanges } from './simulate/virtualSubject';
export { renderContrast, simulateSlice, drawSliceFields } from './simulate/render';
export type { SliceFields } from './simulate/render';
export { segmentT1, sliceTissueMaps, headMask, autoBrainMask } from './simulate/segment';
export type { T1Segmentation, TissueMaps, SegmentOptions, BrainMaskOption } from './simulate/segment';
export { anatomyFromT1, anatomyFromProbabilityMaps, chooseAnatomySlices } from './simulate/anatomy';
export type { Anatomy } from './simulate/anatomy';
export { simulateAnatomy, defaultSimulationPlan } from './simulate/simulateAnatomy';
export type { SimulationPlan, SimulatedSlices } from './simulate/simulateAnatomy';
export { smoothRandomField } from './simulate/randomField';
export { seededRandom } from './simulate/random';
export type { Random } from './simulate/random';
export { fuzzyCMeans, fuzzyMemberships, otsuThreshold, histogram } from './simulate/fuzzyCMeans';
// Training and evaluation
export { prepareSlices, channelIndices, spreadSlices, gatherNHWC } from './train/pairedSlices';
export type { PairedSlices } from './train/pairedSlices';
export { SingleContrastBatchSource, TranslationBatchSource } from './train/batchSources';
export type { TranslationBatch, VectorSet } from './train/batchSources';
export { createMrmTrainer } from './train/trainMrm';
export { createMdnTrainer, representationsOf } from './train/trainMdn';
export { createCunetTrainer } from './train/trainCunet';
export type { CunetStageOptions } from './train/trainCunet';
export { createBaselineTrainer } from './train/trainBaseline';
export type { StageOptions, StageTrainer } from './train/stageOptions';
export { mrmValidationLoss, mdnValidationLoss, translationErrors, histogramMatchingErrors } from './train/validation';
export { encodeSlices } from './train/encodeSlices';
export { matchHistogram } from './baselines/histogramMatching';
export { plainUNetConfig, createPlainUNet, BASELINE_MODEL_CLASS } from './baselines/plainUNet';
export { subStore } from './io/subStore';
