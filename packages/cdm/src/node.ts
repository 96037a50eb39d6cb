// @meddiff/cdm/node: the Node-only parts (files, the open-data cache, the CLI's commands).
export { ANATOMY_SOURCES, loadAnatomy } from './node/anatomySources';
export type { AnatomySourceId, LoadedAnatomy } from './node/anatomySources';
export { buildSimulatedDataset, writeSimulatedDataset, SIMULATOR_VERSION } from './node/simulatedDataset';
export type { SimulatedDatasetOptions, SimulatedDatasetManifest, AnatomyInput } from './node/simulatedDataset';
export { writeSimulatedBrainStudy } from './node/sampleStudy';
export type { SimulatedStudyOptions, SimulatedStudyIndex } from './node/sampleStudy';
export { simulate } from './commands/simulate';
export type { SimulateCommandOptions } from './commands/simulate';
export { train, TRAIN_STAGES, DEFAULT_STAGE_STEPS } from './commands/train';
export type { TrainCommandOptions, TrainStage, StageReport } from './commands/train';
export { evaluate } from './commands/evaluate';
export type { EvaluateCommandOptions, EvaluationReport } from './commands/evaluate';
export { runModel } from './commands/run';
export type { RunCommandOptions, RunCommandResult } from './commands/run';
export { loadPipeline, readPairedSlices, resolveDatasetDir, datasetFromFolder } from './commands/common';
export { OutputExistsError, UsageError } from './commands/errors';
export { evaluateTranslation, scoresTable } from './evaluate/evaluateTranslation';
export type { MethodScores, TargetScores, EvaluationOptions } from './evaluate/evaluateTranslation';
