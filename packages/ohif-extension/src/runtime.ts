import { resolveConfig, type ExtensionConfig } from './config.js';
import { InferenceClient, type WorkerLike } from './model/inferenceClient.js';
import { fetchJsonNetworkFirst } from './model/networkFirstJson.js';
import type { WasmPaths } from './model/taskTypes.js';
import type { CommandsManager, ExtensionManager, ServicesManager } from './ohif/ohifTypes.js';
import { DiffusionController } from './state/diffusionController.js';
import { ReaderStudyController } from './readerStudy/readerStudyController.js';
import { indexedDbStudyStore, memoryStudyStore } from './readerStudy/studyStore.js';
import { readViewerSlice, viewerSeries, watchViewerSeries } from './readerStudy/viewerSlices.js';

/** How the extension starts its worker; the plugin build points at the bundled worker module. */
export interface RuntimeOptions {
  createWorker: () => WorkerLike;
  /** Default location of tfjs-backend-wasm's .wasm files (the app config may override it). */
  wasmPaths?: WasmPaths;
}

/** What the extension's modules share once OHIF has registered it. */
export interface Runtime {
  config: ExtensionConfig;
  client: InferenceClient;
  controller: DiffusionController;
  readerStudy: ReaderStudyController;
}

export function createRuntime(
  options: RuntimeOptions,
  managers: { servicesManager: ServicesManager; commandsManager: CommandsManager; extensionManager: ExtensionManager; appConfig?: Record<string, unknown> },
): Runtime {
  const config = resolveConfig(managers.appConfig ?? managers.extensionManager.appConfig);
  const wasmPaths = config.wasmPaths ?? options.wasmPaths;
  const client = new InferenceClient({
    createWorker: options.createWorker,
    ...(wasmPaths ? { wasmPaths } : {}),
    ...(config.preferredBackends ? { preferredBackends: config.preferredBackends } : {}),
  });
  const controller = new DiffusionController({
    services: managers.servicesManager.services,
    commandsManager: managers.commandsManager,
    extensionManager: managers.extensionManager,
    client,
    config,
    // The models index is kept for offline use; the worker caches the files it pins (loadWorkerModel).
    fetchJson: (url) => fetchJsonNetworkFirst(url),
  });
  const readerStudy = new ReaderStudyController({
    client,
    // Studies and answers survive a reload in IndexedDB; a host without it keeps them for the session.
    store: typeof indexedDB === 'undefined' ? memoryStudyStore() : indexedDbStudyStore(),
    modelsIndexUrl: config.modelsIndexUrl,
    fetchJson: (url) => fetchJsonNetworkFirst(url),
    listSeries: () => viewerSeries(managers.servicesManager.services),
    watchSeries: (changed) => watchViewerSeries(managers.servicesManager.services, changed),
    readSlice: (trial) => readViewerSlice(managers.servicesManager.services, managers.extensionManager, trial),
  });
  return { config, client, controller, readerStudy };
}
