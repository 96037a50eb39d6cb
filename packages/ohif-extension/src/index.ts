// @meddiff/ohif-extension: the OHIF extension. Its default export is what OHIF registers (an app
// that builds OHIF imports this package; a prebuilt app loads dist/plugins/, see the README);
// the named exports are the pieces for other hosts and for tests.
export { default } from './defaultExtension.js';
export { createExtension, type ModuleArgs } from './extension.js';
export type { RuntimeOptions } from './runtime.js';
export { EXTENSION_ID, EXTENSION_VERSION, PANEL_ID, READER_PANEL_ID, COMMANDS } from './id.js';
export { DEFAULT_CONFIG, resolveConfig, type ExtensionConfig } from './config.js';
export { InferenceClient, type WorkerLike, type InferenceClientOptions } from './model/inferenceClient.js';
export {
  DEFAULT_SAMPLING,
  SAMPLERS,
  SR_FACTORS,
  TASK_KINDS,
  outputSize,
  taskLabel,
  type BackendName,
  type BackendReport,
  type ImageSeriesRequest,
  type ImageTaskRequest,
  type IntensityRange,
  type ModelCard,
  type ModelFamily,
  type SamplerName,
  type SamplingOptions,
  type Task,
  type TaskKind,
  type TaskProgress,
  type TaskRequest,
  type TaskResult,
  type TranslateRequest,
} from './model/taskTypes.js';
export { DiffusionToolError, ERROR_CODES, type ErrorCode } from './errors.js';
export { buildDerivedSeries, naturalize, type DerivedSeries, type DerivationInfo } from './derived/derivedSeries.js';
export type { ResultSummary, RunOptions } from './getCommandsModule.js';
// The reader study (two-alternative forced choice): its statistics, plan and file formats, for analyses outside the viewer.
export { wilsonInterval, Z_95, type ProportionInterval } from './readerStudy/wilson.js';
export { binomialTestTwoSided } from './readerStudy/binomialTest.js';
export { planTrials } from './readerStudy/trialPlan.js';
export { summarizeAnswers, POOLED, type AccuracySummary, type StudySummary } from './readerStudy/readerSummary.js';
export { answersToCsv, answersFromCsv } from './readerStudy/answersCsv.js';
export { ANSWER_COLUMNS } from './readerStudy/answerRecord.js';
export { studyToJson, studyFromJson, STUDY_FORMAT, STUDY_FORMAT_VERSION, type StudyExport } from './readerStudy/studyJson.js';
export { ReaderStudyConfigError, ReaderStudyFormatError } from './readerStudy/studyErrors.js';
export { READER_TASKS, type Answer, type PlannedTrial, type ReaderTaskName, type Side, type StudyConfig, type StudySeries } from './readerStudy/studyTypes.js';
