// @meddiff/med-cdiff/node: the Node-only parts (files, datasets, the commands behind the CLI).
export { train, PRESETS } from './commands/train';
export type { TrainOptions, TrainResult } from './commands/train';
export { evaluate } from './commands/evaluate';
export type { EvaluateOptions, EvaluateResult } from './commands/evaluate';
export { runModel, namedDerivedUids } from './commands/run';
export type { RunCommandOptions, RunCommandResult } from './commands/run';
export { COMMAND_BACKENDS, loadPipeline, resolveDatasetDir } from './commands/common';
export { workerChunkSampler, SamplingWorkerError } from './pipeline/workerChunkSampler';
export type { CommandBackend, Log } from './commands/common';
export { OutputExistsError, NothingToResumeError, UsageError } from './commands/errors';
export { conditionTable, reportMarkdown } from './evaluate/report';
export type { EvaluationReport, ConditionResult, MethodResult } from './evaluate/report';
export { evaluationConditions, superResolutionSide } from './evaluate/cases';
export type { EvaluationCase, EvaluationCondition } from './evaluate/cases';
export { baselinesFor } from './evaluate/baselines';
export type { Baseline } from './evaluate/baselines';
export { METRICS, scoreImages } from './evaluate/score';
export type { MetricName, Scores } from './evaluate/score';
// The baselines are plain array code (browser-safe too).
export { medianFilter } from './baselines/medianFilter';
export { gaussianFilter, chooseGaussianSigma, GAUSSIAN_SIGMA_CANDIDATES } from './baselines/gaussianFilter';
export { nonLocalMeans, chooseNonLocalMeansH, estimateNoiseSigma, NLM_H_CANDIDATES } from './baselines/nonLocalMeans';
export type { NonLocalMeansOptions } from './baselines/nonLocalMeans';
export { harmonicInpaint } from './baselines/harmonicInpainting';
export type { HarmonicInpaintingOptions, HarmonicInpaintingResult } from './baselines/harmonicInpainting';
