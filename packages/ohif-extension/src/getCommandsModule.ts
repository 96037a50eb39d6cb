import { InvalidTaskError } from './errors.js';
import { COMMANDS, PANEL_ID } from './id.js';
import type { SamplingOptions, SrFactor, Task, TaskKind } from './model/taskTypes.js';
export type { SamplingOptions };
import type { ServicesManager } from './ohif/ohifTypes.js';
import type { Runtime } from './runtime.js';
import type { ControllerState, OptionsPatch, ResultEntry } from './state/diffusionController.js';

export interface TaskOptions {
  kind?: TaskKind;
  factor?: SrFactor;
  /** Translation: the target contrast (default the model's first). */
  target?: string;
}
export type RunOptions = TaskOptions & OptionsPatch;

/** A result as plain data (no pixels, no bytes): what commands return to scripts and tests. */
export interface ResultSummary {
  id: number;
  label: string;
  storage: ResultEntry['storage'];
  storeError?: string;
  rows: number;
  columns: number;
  backend: string;
  elapsedMs: number;
  series: { kind: string; seriesInstanceUID: string; studyInstanceUID: string; sopInstanceUIDs: string[] }[];
  displaySetInstanceUIDs: string[];
}

export function summarize(r: ResultEntry): ResultSummary {
  return {
    id: r.id,
    label: r.label,
    storage: r.storage,
    ...(r.storeError ? { storeError: r.storeError } : {}),
    rows: r.preview.rows,
    columns: r.preview.columns,
    backend: r.backend,
    elapsedMs: r.elapsedMs,
    series: r.series.map((s) => ({ kind: s.kind, seriesInstanceUID: s.seriesInstanceUID, studyInstanceUID: s.studyInstanceUID, sopInstanceUIDs: s.sopInstanceUIDs })),
    displaySetInstanceUIDs: r.displaySetInstanceUIDs,
  };
}

/** The controller's state as plain data, for scripts, tests and debugging. */
export function stateSummary(s: ControllerState) {
  return {
    task: s.task,
    sampling: s.sampling,
    storeToPacs: s.storeToPacs,
    wholeSeries: s.wholeSeries,
    models: s.models,
    modelUrl: s.modelUrl,
    modelStatus: s.modelStatus,
    card: s.card,
    backend: s.backend,
    backendError: s.backendError,
    status: s.status,
    progress: s.progress,
    outcome: s.outcome,
    error: s.error,
    results: s.results.map(summarize),
    sources: s.sources,
  };
}

function taskFrom(o: TaskOptions, current: Task): Task {
  const kind = o.kind ?? current.kind;
  if (kind === 'super-resolve') return { kind, factor: o.factor ?? (current.kind === 'super-resolve' ? current.factor : 2) };
  // No target (the toolbar button gives '') keeps the one chosen.
  if (kind === 'translate') return { kind, target: o.target || (current.kind === 'translate' ? current.target : '') };
  return { kind } as Task;
}

/**
 * The extension's commands. Actions are async and take one options object; they run in the
 * DEFAULT context so toolbar buttons, hotkeys and scripts (window.commandsManager) reach them.
 */
export function createCommandsModule(runtime: () => Runtime, servicesManager: ServicesManager) {
  const actions = {
    /** Chooses the task: { kind: 'super-resolve', factor: 2 | 4 } | { kind: 'denoise' } | { kind: 'inpaint' } | { kind: 'translate', target?: 'FLAIR' }. */
    selectTask: async (o: TaskOptions = {}) => {
      const c = runtime().controller;
      c.selectTask(taskFrom(o, c.getState().task));
      return c.getState().task;
    },
    /** Sets sampler, steps, seed, number of samples, whether to run every slice of the series and whether results go to the PACS. */
    setOptions: async (o: OptionsPatch = {}) => {
      runtime().controller.setOptions(o);
      return stateSummary(runtime().controller.getState());
    },
    /** Runs on the active slice or, with wholeSeries, its whole series (optionally choosing task and options first); resolves with the result, or null. */
    run: async (o: RunOptions = {}) => {
      const c = runtime().controller;
      const { kind, factor, target, ...options } = o;
      if (kind || factor || target) c.selectTask(taskFrom({ ...(kind ? { kind } : {}), ...(factor ? { factor } : {}), ...(target ? { target } : {}) }, c.getState().task));
      if (Object.keys(options).length) c.setOptions(options);
      const result = await c.run();
      return result ? summarize(result) : null;
    },
    /** Translation: picks the series (by SeriesInstanceUID or displaySetInstanceUID) holding a source contrast. */
    setSourceSeries: async ({ contrast, seriesInstanceUID, displaySetInstanceUID }: { contrast: string; seriesInstanceUID?: string; displaySetInstanceUID?: string }) => {
      const c = runtime().controller;
      const uid = displaySetInstanceUID ?? c.getState().sources.candidates.find((s) => s.seriesInstanceUID === seriesInstanceUID)?.displaySetInstanceUID;
      if (!uid) throw new InvalidTaskError(`No image series ${seriesInstanceUID ?? ''} in the study shown; open it first.`);
      c.setSourceSeries(contrast, uid);
      return c.getState().sources;
    },
    cancel: async () => {
      runtime().controller.cancel();
    },
    /** Stores a result to the PACS, or retries a store that failed. */
    storeResult: async ({ resultId }: { resultId: number }) => {
      await runtime().controller.store(resultId);
      const r = runtime().controller.getResult(resultId);
      return r ? summarize(r) : null;
    },
    getState: async () => stateSummary(runtime().controller.getState()),
    openPanel: async () => {
      servicesManager.services.panelService?.activatePanel(PANEL_ID, true);
    },
  };
  const definitions = {
    [COMMANDS.selectTask]: { commandFn: actions.selectTask },
    [COMMANDS.setOptions]: { commandFn: actions.setOptions },
    [COMMANDS.run]: { commandFn: actions.run },
    [COMMANDS.setSourceSeries]: { commandFn: actions.setSourceSeries },
    [COMMANDS.cancel]: { commandFn: actions.cancel },
    [COMMANDS.storeResult]: { commandFn: actions.storeResult },
    [COMMANDS.getState]: { commandFn: actions.getState },
    [COMMANDS.openPanel]: { commandFn: actions.openPanel },
  };
  return { actions, definitions, defaultContext: 'DEFAULT' };
}
