import type { BackendName, WasmPaths } from './model/taskTypes.js';

/** The extension's settings, read from the app config's `meddiff` key; defaults in one place. */
export interface ExtensionConfig {
  /** JSON listing the models offered: { models: [{ id, label, url, tasks }] }. */
  modelsIndexUrl: string;
  /** Name of the data source (DICOMweb) results are stored to by STOW-RS. */
  pacsDataSource: string;
  /** Name of the extension's local data source, which keeps results in this browser. */
  localDataSource: string;
  /** Backends to try, in order; default WebGPU, WebGL, WASM. */
  preferredBackends?: BackendName[];
  /** Where tfjs-backend-wasm's .wasm files are; default beside the extension's modules. */
  wasmPaths?: WasmPaths;
}

export const DEFAULT_CONFIG: Readonly<ExtensionConfig> = Object.freeze({
  modelsIndexUrl: '/models/index.json',
  pacsDataSource: 'dicomweb',
  localDataSource: 'meddiff-local',
});

export function resolveConfig(appConfig: Record<string, unknown> | undefined): ExtensionConfig {
  const given = (appConfig?.['meddiff'] ?? {}) as Partial<ExtensionConfig>;
  return { ...DEFAULT_CONFIG, ...given };
}
