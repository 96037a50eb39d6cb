import { buildDerivedSeries } from '../derived/derivedSeries.js';
import { DiffusionToolError, InvalidTaskError, StoreFailedError, TaskCancelledError, UnsupportedModalityError } from '../errors.js';
import { parseModelsIndex, type ModelEntry } from './modelsIndex.js';
import { DEFAULT_SAMPLING, SAMPLERS, SR_FACTORS, TASK_KINDS, type Task, type TaskProgress } from '../model/taskTypes.js';
import { cornerstoneGlobals } from '../ohif/ohifTypes.js';
import { readActiveSlice, type ActiveSlice } from '../viewer/activeSlice.js';
import { showSideBySide } from '../viewer/sideBySide.js';
import { referencePlane, type ReferencePlane } from '../viewer/sourceSeries.js';
import { errorInfo, type ControllerDeps, type ControllerState, type Listener, type OptionsPatch, type ResultEntry } from './controllerState.js';
import { describeStoreError, freeSeriesNumber, registerSeries, storeToPacs } from './resultStore.js';
import { computeRun } from './taskRun.js';
import { listedSources, sourcesCheck } from './translationSources.js';

export type { ControllerDeps, ControllerState, OptionsPatch, ResultEntry, StorageState, TranslationSources } from './controllerState.js';

/**
 * What the panel and the commands act on: the chosen task and settings, the model and backend in
 * use, the run in progress, and the results. A run reads the active slice (and mask), or every
 * slice of its series (state/taskRun.ts), runs the model in the worker, writes the result as
 * derived series, registers them with the viewer through the extension's local data source, shows
 * them beside the source and, when asked, stores them to the PACS. A failed store keeps the result and can be retried; a cancelled run writes nothing.
 */
export class DiffusionController {
  private state: ControllerState;
  private readonly listeners = new Set<Listener>();
  private abort: AbortController | undefined;
  private nextResultId = 1;
  private initPromise: Promise<void> | undefined;
  private unsubscribeDisplaySets: (() => void) | undefined;

  constructor(private readonly deps: ControllerDeps) {
    this.state = {
      task: { kind: 'super-resolve', factor: 2 },
      sampling: { ...DEFAULT_SAMPLING },
      storeToPacs: false,
      models: [],
      modelStatus: 'none',
      status: 'idle',
      results: [],
      wholeSeries: false,
      sources: { candidates: [], picks: {} },
    };
  }

  getState(): ControllerState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<ControllerState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Lists the models and starts the worker; failures are shown in the panel, not thrown. */
  init(): Promise<void> {
    this.initPromise ??= (async () => {
      // New series (a study loading, a result registered) can be translation sources.
      const dss = this.deps.services.displaySetService;
      const added = dss.EVENTS['DISPLAY_SETS_ADDED'];
      if (added) {
        const sub = dss.subscribe(added, () => {
          if (this.state.task.kind === 'translate' && this.state.card?.modalities) this.refreshSources();
        });
        this.unsubscribeDisplaySets = () => sub.unsubscribe();
      }
      const fetchJson = this.deps.fetchJson ?? (async (url: string) => (await fetch(url)).json());
      try {
        const models = parseModelsIndex(await fetchJson(this.deps.config.modelsIndexUrl));
        this.set({ models });
        const first = this.modelFor(this.state.task) ?? models[0];
        if (first && !this.state.modelUrl) await this.selectModel(first.url);
      } catch (e) {
        this.set({ modelStatus: 'failed', error: { code: 'MODEL_NOT_FOUND', message: `The list of models (${this.deps.config.modelsIndexUrl}) could not be read: ${(e as Error).message}` } });
      }
      try {
        this.set({ backend: await this.deps.client.ready() });
      } catch (e) {
        this.set({ backendError: errorInfo(e).message });
      }
    })();
    return this.initPromise;
  }

  /** The first listed model whose card names the task, if any. */
  modelFor(task: Task): ModelEntry | undefined {
    return this.state.models.find((m) => m.tasks?.includes(task.kind));
  }

  async selectModel(url: string): Promise<void> {
    const { card: _card, ...rest } = this.state;
    this.state = rest as ControllerState;
    this.set({ modelUrl: url, modelStatus: 'loading' });
    try {
      const entry = this.state.models.find((m) => m.url === url);
      const card = await this.deps.client.loadModel(url, entry?.family, entry?.pinned);
      if (this.state.modelUrl !== url) return;
      this.set({ card, modelStatus: 'ready' });
      if (this.state.task.kind === 'translate') this.fitTranslation();
    } catch (e) {
      if (this.state.modelUrl === url) this.set({ modelStatus: 'failed', error: errorInfo(e) });
    }
  }

  /**
   * Chooses the task. When the chosen model's card names other tasks and a listed model serves this
   * one, that model is loaded (Med-cDiff trains one model per task; CDM translates). A translation
   * with no target takes the model's first.
   */
  selectTask(task: Task): void {
    if (!TASK_KINDS.includes(task.kind)) throw new InvalidTaskError(`Unknown task "${String(task.kind)}". Allowed: ${TASK_KINDS.join(', ')}.`);
    if (task.kind === 'super-resolve' && !SR_FACTORS.includes(task.factor)) throw new InvalidTaskError(`Super-resolution factor must be one of ${SR_FACTORS.join(', ')}, got ${String(task.factor)}.`);
    if (task.kind === 'translate' && typeof task.target !== 'string') throw new InvalidTaskError('A translation names its target contrast, e.g. { kind: "translate", target: "FLAIR" }.');
    this.set({ task });
    const forTask = this.modelToSwitchTo(task);
    if (forTask) void this.selectModel(forTask.url);
    else if (task.kind === 'translate') this.fitTranslation();
  }

  /** The listed model for `task` when the chosen model's card names other tasks; undefined to keep the chosen one. */
  private modelToSwitchTo(task: Task): ModelEntry | undefined {
    const chosen = this.state.models.find((m) => m.url === this.state.modelUrl);
    const forTask = this.modelFor(task);
    return forTask && forTask.url !== this.state.modelUrl && chosen?.tasks?.length && !chosen.tasks.includes(task.kind) ? forTask : undefined;
  }

  /** Picks the series holding one source contrast (a displaySetInstanceUID of the study shown) and checks the picks again. */
  setSourceSeries(contrast: string, displaySetInstanceUID: string): void {
    const contrasts = this.state.card?.modalities?.sources ?? [];
    if (!contrasts.includes(contrast)) throw new UnsupportedModalityError(`The model translates from ${contrasts.join(' + ') || 'no contrast (load a CDM model)'}; it takes no ${contrast}.`);
    this.set({ sources: { ...this.state.sources, picks: { ...this.state.sources.picks, [contrast]: displaySetInstanceUID } } });
    this.checkSources();
  }

  /**
   * Lists the study's series, keeps the user's picks that still exist, guesses the others from the
   * series descriptions, and checks them at the slice shown. Call it when the study or slice changes.
   */
  refreshSources(): void {
    let plane: ReferencePlane | undefined;
    try {
      plane = referencePlane(this.readSlice());
    } catch {
      plane = undefined;
    }
    this.set({ sources: listedSources(this.deps.services, this.state.card?.modalities?.sources ?? [], this.state.sources, plane) });
    this.checkSources(plane);
  }

  /** Checks the picked series at the slice shown (metadata only) and records the answer for the panel. */
  checkSources(plane?: ReferencePlane): { ok: boolean; message: string } {
    const check = sourcesCheck(this.deps.services, this.state.card?.modalities?.sources ?? [], this.state.sources.picks, () => plane ?? referencePlane(this.readSlice()));
    this.set({ sources: { ...this.state.sources, check } });
    return check;
  }

  /** A translation's target and sources once a CDM card is known. */
  private fitTranslation(): void {
    const task = this.state.task;
    const targets = this.state.card?.modalities?.targets;
    if (task.kind !== 'translate' || !targets?.length) return;
    if (!task.target) this.set({ task: { kind: 'translate', target: targets[0]! } });
    this.refreshSources();
  }

  private readSlice(): ActiveSlice {
    const cs = (this.deps.cornerstone ?? cornerstoneGlobals)();
    return (this.deps.readSlice ?? readActiveSlice)(this.deps.services, cs);
  }

  setOptions(patch: OptionsPatch): void {
    const { storeToPacs, wholeSeries, ...sampling } = patch;
    if (wholeSeries !== undefined) this.set({ wholeSeries });
    if (sampling.sampler !== undefined && !SAMPLERS.includes(sampling.sampler)) throw new InvalidTaskError(`Unknown sampler "${String(sampling.sampler)}". Allowed: ${SAMPLERS.join(', ')}.`);
    this.set({ sampling: { ...this.state.sampling, ...sampling }, ...(storeToPacs !== undefined ? { storeToPacs } : {}) });
  }

  /** Runs the chosen task on the active slice, or on its whole series. Resolves with the new result, or undefined when it failed or was cancelled. */
  async run(): Promise<ResultEntry | undefined> {
    if (this.state.status !== 'idle') throw new InvalidTaskError('A run is already in progress; cancel it or wait for it to finish.');
    const { error: _e, outcome: _o, progress: _p, ...rest } = this.state;
    this.state = rest as ControllerState;
    this.set({ status: 'running' });
    const abort = new AbortController();
    this.abort = abort;
    try {
      await this.init();
      // A model that serves the task replaces a chosen one whose card names other tasks; a model
      // whose tasks are not listed is the user's call.
      const forTask = this.modelToSwitchTo(this.state.task);
      if (forTask) await this.selectModel(forTask.url);
      if (!this.state.modelUrl || this.state.modelStatus !== 'ready') {
        await (this.state.modelUrl ? this.selectModel(this.state.modelUrl) : Promise.resolve());
        if (this.state.modelStatus !== 'ready') throw new DiffusionToolError('MODEL_NOT_FOUND', this.state.error?.message ?? 'No model is loaded; check the list of models.');
      }
      const cs = (this.deps.cornerstone ?? cornerstoneGlobals)();
      const slice = this.readSlice();
      const task = this.state.task;
      const sampling = { ...this.state.sampling };
      const context = { deps: this.deps, card: this.state.card, modelUrl: this.state.modelUrl!, wholeSeries: this.state.wholeSeries, sources: () => this.state.sources, refreshSources: () => this.refreshSources(), onProgress: (progress: TaskProgress) => this.set({ progress }) };
      const { result, placedOn, sources: sourceNames, preview, maskSource } = await computeRun(context, task, slice, cs, sampling, abort.signal);
      if (abort.signal.aborted) throw new TaskCancelledError();
      const series = buildDerivedSeries(result, placedOn, { task, sampling, modelName: this.state.card?.name ?? 'model', backend: result.backend, seriesNumber: freeSeriesNumber(this.deps, this.state.results, placedOn), ...(sourceNames ? { sources: sourceNames } : {}) });
      const displaySetInstanceUIDs = await registerSeries(this.deps, series);
      const entry: ResultEntry = {
        id: this.nextResultId++,
        label: `${series[0]!.seriesLabel} (${placedOn.shape.length === 3 ? `${placedOn.shape[0]} x ` : ''}${result.rows} x ${result.columns})`,
        sourceSeriesInstanceUID: String(placedOn.source.dicomAttributes?.['SeriesInstanceUID'] ?? slice.displaySet.SeriesInstanceUID ?? ''),
        series,
        displaySetInstanceUIDs,
        storage: 'local',
        preview: preview ?? { rows: result.rows, columns: result.columns, pixels: result.pixels, ...(result.std ? { std: result.std } : {}) },
        ...(maskSource ? { maskSource } : {}),
        backend: result.backend,
        elapsedMs: result.elapsedMs,
      };
      this.set({ results: [...this.state.results, entry], status: 'idle', outcome: 'done' });
      if (displaySetInstanceUIDs[0]) await showSideBySide(this.deps.services, this.deps.commandsManager, slice.viewportId, displaySetInstanceUIDs[0]).catch(() => undefined);
      if (this.state.storeToPacs) await this.store(entry.id);
      return this.getResult(entry.id);
    } catch (e) {
      const cancelled = e instanceof TaskCancelledError || (e as Error)?.name === 'AbortError' || abort.signal.aborted;
      this.set({ status: 'idle', outcome: cancelled ? 'cancelled' : 'failed', ...(cancelled ? {} : { error: errorInfo(e) }) });
      return undefined;
    } finally {
      this.abort = undefined;
    }
  }

  /** Stops the run in progress; it ends as cancelled and writes nothing. */
  cancel(): void {
    if (this.state.status !== 'running' || !this.abort) return;
    this.set({ status: 'cancelling' });
    this.abort.abort();
  }

  getResult(id: number): ResultEntry | undefined {
    return this.state.results.find((r) => r.id === id);
  }

  private updateResult(id: number, patch: Partial<ResultEntry>): void {
    this.set({ results: this.state.results.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
  }

  /**
   * Stores a result's series to the PACS by STOW-RS from the bytes kept locally. On failure the
   * result stays registered and kept, marked failed, and can be stored again.
   */
  async store(resultId: number): Promise<void> {
    const entry = this.getResult(resultId);
    if (!entry) throw new InvalidTaskError(`There is no result ${resultId}.`);
    if (entry.storage === 'storing' || entry.storage === 'stored') return;
    this.updateResult(resultId, { storage: 'storing' });
    try {
      await storeToPacs(this.deps, entry.series);
      const { storeError: _s, ...rest } = this.getResult(resultId)!;
      this.set({ results: this.state.results.map((r) => (r.id === resultId ? { ...rest, storage: 'stored' } : r)) });
    } catch (e) {
      const err = new StoreFailedError(describeStoreError(e));
      this.updateResult(resultId, { storage: 'failed', storeError: err.message });
      this.deps.services.uiNotificationService?.show({ title: 'Diffusion tools', message: err.message, type: 'error' });
    }
  }

  dispose(): void {
    this.unsubscribeDisplaySets?.();
    this.abort?.abort();
    this.listeners.clear();
  }
}
