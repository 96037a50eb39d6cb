/**
 * The controller's state as the panel and commands see it, what it depends on, and how an error
 * is shown. Plain data: the panel renders it, `stateSummary` prints it.
 */
import type { ExtensionConfig } from '../config.js';
import type { DerivedSeries } from '../derived/derivedSeries.js';
import type { Image2D } from '@meddiff/imaging';
import { DiffusionToolError } from '../errors.js';
import type { InferenceClient } from '../model/inferenceClient.js';
import type { ModelEntry } from './modelsIndex.js';
import type { BackendReport, ModelCard, SamplingOptions, Task, TaskProgress } from '../model/taskTypes.js';
import type { CommandsManager, CornerstoneGlobals, ExtensionManager, OhifServices } from '../ohif/ohifTypes.js';
import type { MaskSource } from '../viewer/activeMask.js';
import type { ActiveSlice } from '../viewer/activeSlice.js';
import type { LocatedSource, SourceCandidate } from '../viewer/sourceSeries.js';

/** Contrast translation: the series picked for each source contrast, and whether they fit together here. */
export interface TranslationSources {
  /** Image series of the study shown that can be sources. */
  candidates: SourceCandidate[];
  /** Source contrast -> displaySetInstanceUID. */
  picks: Record<string, string>;
  /** The co-registration check at the slice shown, when last made. */
  check?: { ok: boolean; message: string };
}

export type StorageState = 'local' | 'storing' | 'stored' | 'failed';

/** A result the user has: registered in the viewer, kept in this browser, maybe stored to the PACS. */
export interface ResultEntry {
  id: number;
  label: string;
  sourceSeriesInstanceUID: string;
  series: DerivedSeries[];
  displaySetInstanceUIDs: string[];
  storage: StorageState;
  storeError?: string;
  /** Pixels for the panel's preview, in modality units. */
  preview: { rows: number; columns: number; pixels: Float32Array; std?: Float32Array };
  maskSource?: MaskSource;
  backend: string;
  elapsedMs: number;
}

export interface ControllerState {
  task: Task;
  sampling: SamplingOptions;
  storeToPacs: boolean;
  /**
   * Run on every slice of the series shown (of the first source series, for a translation) into one
   * derived series of them all, not only on the slice shown.
   */
  wholeSeries: boolean;
  models: ModelEntry[];
  modelUrl?: string;
  card?: ModelCard;
  modelStatus: 'none' | 'loading' | 'ready' | 'failed';
  backend?: BackendReport;
  backendError?: string;
  status: 'idle' | 'running' | 'cancelling';
  progress?: TaskProgress;
  /** How the last run ended. */
  outcome?: 'done' | 'cancelled' | 'failed';
  error?: { code: string; message: string };
  results: ResultEntry[];
  sources: TranslationSources;
}

export interface ControllerDeps {
  services: OhifServices;
  commandsManager: CommandsManager;
  extensionManager: ExtensionManager;
  client: InferenceClient;
  config: ExtensionConfig;
  fetchJson?: (url: string) => Promise<unknown>;
  cornerstone?: () => CornerstoneGlobals | undefined;
  /** Reads the slice to process; default the active viewport's (readActiveSlice). */
  readSlice?: (services: OhifServices, cs: CornerstoneGlobals | undefined) => ActiveSlice;
  /** Reads the located translation sources' pixels; default through cornerstone (readSources). */
  readSources?: (located: Record<string, LocatedSource>, cs: CornerstoneGlobals | undefined) => Promise<Record<string, Image2D>>;
  /** Reads every slice of the series shown, for a whole-series run; default through cornerstone (readSeriesSlices). */
  readSeries?: (shown: ActiveSlice, cs: CornerstoneGlobals | undefined, imageIdOf: (instance: Record<string, unknown>) => string | undefined) => Promise<ActiveSlice[]>;
  /** How long to wait for OHIF to make a display set for a registered result. */
  displaySetTimeoutMs?: number;
}

export type Listener = (state: ControllerState) => void;

export type OptionsPatch = Partial<SamplingOptions> & { storeToPacs?: boolean; wholeSeries?: boolean };

export function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof DiffusionToolError) return { code: e.code, message: e.message };
  const err = e as { code?: unknown; message?: unknown };
  return { code: typeof err?.code === 'string' ? err.code : 'ERROR', message: typeof err?.message === 'string' ? err.message : String(e) };
}

