// @meddiff/ohif-extension: the OHIF 3.13 extension and mode. The app loads the built modules in
// dist/plugins/; this entry exports the pieces for other hosts and for tests.
export { createExtension } from './extension.js';
export { createDiffusionMode, createDiffusionModeInstance, ROUTE_NAME, BASIC_MODE, type BasicModeInstance } from './mode/diffusionMode.js';
export { EXTENSION_ID, MODE_ID, PANEL_ID, COMMANDS, TOOLBAR_IDS } from './id.js';
export { DEFAULT_CONFIG, resolveConfig, type ExtensionConfig } from './config.js';
export { InferenceClient, type WorkerLike, type InferenceClientOptions } from './model/inferenceClient.js';
export * from './model/taskTypes.js';
export * from './errors.js';
export { buildDerivedSeries, naturalize, type DerivedSeries, type DerivationInfo } from './derived/derivedSeries.js';
export type { ResultSummary, RunOptions } from './getCommandsModule.js';
