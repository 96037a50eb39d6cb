import type { ExtensionConfig } from '../config.js';
import { buildDerivedSeries, naturalize, type DerivedSeries } from '../derived/derivedSeries.js';
import { stackSlices, type Image2D, type Volume } from '@meddiff/imaging';
import { DiffusionToolError, InvalidTaskError, RegisterFailedError, StoreFailedError, TaskCancelledError, UnsupportedModalityError } from '../errors.js';
import type { InferenceClient } from '../model/inferenceClient.js';
import { parseModelsIndex, type ModelEntry } from './modelsIndex.js';
import { DEFAULT_SAMPLING, SAMPLERS, SR_FACTORS, TASK_KINDS, type BackendReport, type ModelCard, type ModelFamily, type PlacedImage, type SamplingOptions, type Task, type TaskProgress, type TaskRequest, type TaskResult, type TranslateTask } from '../model/taskTypes.js';
import { cornerstoneGlobals, type CommandsManager, type CornerstoneGlobals, type ExtensionManager, type OhifServices } from '../ohif/ohifTypes.js';
import { readInpaintMask, type MaskSource } from '../viewer/activeMask.js';
import { readActiveSlice, type ActiveSlice } from '../viewer/activeSlice.js';
import { showSideBySide, waitForDisplaySet } from '../viewer/sideBySide.js';
import { guessSources, locateSources, readSources, referencePlane, seriesPlanes, sourceCandidates, type LocatedSource, type ReferencePlane, type SourceCandidate } from '../viewer/sourceSeries.js';


/** Contrast translation: the series picked for each source contrast, and whether they fit together here. */
export interface TranslationSources {
  /** Image series of the study shown that can be sources. */
  candidates: SourceCandidate[];
  /** Source contrast -> displaySetInstanceUID. */
  picks: Record<string, string>;
  /** The co-registration check at the slice shown, when last made. */
  check?: { ok: boolean; message: string };
  /** Translate every slice of the first source series (one derived series of them all), not only the slice shown. */
  wholeSeries: boolean;
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
  /** How long to wait for OHIF to make a display set for a registered result. */
  displaySetTimeoutMs?: number;
}

type Listener = (state: ControllerState) => void;

export type OptionsPatch = Partial<SamplingOptions> & { storeToPacs?: boolean; wholeSeries?: boolean };

function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof DiffusionToolError) return { code: e.code, message: e.message };
  const err = e as { code?: unknown; message?: unknown };
  return { code: typeof err?.code === 'string' ? err.code : 'ERROR', message: typeof err?.message === 'string' ? err.message : String(e) };
}

/**
 * What the panel and the commands act on: the chosen task and settings, the model and backend in
 * use, the run in progress, and the results. A run reads the active slice (and mask), runs the
 * model in the worker, writes the result as derived series, registers them with the viewer through
 * the extension's local data source, shows them beside the source and, when asked, stores them to
 * the PACS. A failed store keeps the result and can be retried; a cancelled run writes nothing.
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
      sources: { candidates: [], picks: {}, wholeSeries: false },
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
    const contrasts = this.state.card?.modalities?.sources ?? [];
    let plane: ReturnType<typeof referencePlane> | undefined;
    try {
      plane = referencePlane(this.readSlice());
    } catch {
      plane = undefined;
    }
    const candidates = sourceCandidates(this.deps.services.displaySetService.getActiveDisplaySets(), plane?.studyInstanceUID);
    this.set({ sources: { ...this.state.sources, candidates, picks: guessSources(contrasts, candidates, this.state.sources.picks) } });
    this.checkSources(plane);
  }

  /** Checks the picked series at the slice shown (metadata only) and records the answer for the panel. */
  checkSources(plane?: ReferencePlane): { ok: boolean; message: string } {
    const contrasts = this.state.card?.modalities?.sources ?? [];
    let check: { ok: boolean; message: string };
    try {
      const located = locateSources(this.deps.services, contrasts, this.state.sources.picks, plane ?? referencePlane(this.readSlice()));
      const first = located[contrasts[0]!]!;
      check = { ok: true, message: `Co-registered at this slice: ${contrasts.join(', ')} on one ${first.rows} x ${first.columns} grid.` };
    } catch (e) {
      check = { ok: false, message: errorInfo(e).message };
    }
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
    if (wholeSeries !== undefined) this.set({ sources: { ...this.state.sources, wholeSeries } });
    if (sampling.sampler !== undefined && !SAMPLERS.includes(sampling.sampler)) throw new InvalidTaskError(`Unknown sampler "${String(sampling.sampler)}". Allowed: ${SAMPLERS.join(', ')}.`);
    this.set({ sampling: { ...this.state.sampling, ...sampling }, ...(storeToPacs !== undefined ? { storeToPacs } : {}) });
  }

  /** Runs the chosen task on the active slice. Resolves with the new result, or undefined when it failed or was cancelled. */
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
      const { services } = this.deps;
      const cs = (this.deps.cornerstone ?? cornerstoneGlobals)();
      const slice = this.readSlice();
      const task = this.state.task;
      const sampling = { ...this.state.sampling };
      const run = (request: TaskRequest): Promise<TaskResult> => this.deps.client.run(request, { signal: abort.signal, onProgress: (progress) => this.set({ progress }) });
      let mask: { mask: Uint8Array; source: MaskSource } | undefined;
      // The result is placed on this image's (or volume's) grid, in its study.
      let placedOn: Image2D | Volume = slice.image;
      let sourceNames: string[] | undefined;
      let result: TaskResult;
      let preview: ResultEntry['preview'] | undefined;
      if (task.kind === 'translate') {
        const translated = await this.runTranslation(task, slice, cs, sampling, abort.signal);
        ({ result, placedOn, preview } = translated);
        sourceNames = translated.sources;
      } else {
        if (task.kind === 'inpaint') mask = readInpaintMask(services, slice, cs!);
        const [rows, columns] = slice.image.shape;
        result = await run({ task, image: { pixels: slice.image.data, rows, columns }, ...(mask ? { mask: mask.mask } : {}), options: sampling, modelUrl: this.state.modelUrl! });
      }
      if (abort.signal.aborted) throw new TaskCancelledError();
      const series = buildDerivedSeries(result, placedOn, { task, sampling, modelName: this.state.card?.name ?? 'model', backend: result.backend, seriesNumber: this.freeSeriesNumber(placedOn), ...(sourceNames ? { sources: sourceNames } : {}) });
      const displaySetInstanceUIDs = await this.register(series);
      const entry: ResultEntry = {
        id: this.nextResultId++,
        label: `${series[0]!.seriesLabel} (${placedOn.shape.length === 3 ? `${placedOn.shape[0]} x ` : ''}${result.rows} x ${result.columns})`,
        sourceSeriesInstanceUID: String(placedOn.source.dicomAttributes?.['SeriesInstanceUID'] ?? slice.displaySet.SeriesInstanceUID ?? ''),
        series,
        displaySetInstanceUIDs,
        storage: 'local',
        preview: preview ?? { rows: result.rows, columns: result.columns, pixels: result.pixels, ...(result.std ? { std: result.std } : {}) },
        ...(mask ? { maskSource: mask.source } : {}),
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

  /**
   * Translates the slice shown, or every slice of the first source series: at each position the
   * picked (or guessed) series' slices are located, checked co-registered and read, then translated
   * in the worker. Several slices become one volume on the first source's grid.
   */
  private async runTranslation(task: TranslateTask, slice: ActiveSlice, cs: CornerstoneGlobals | undefined, sampling: SamplingOptions, signal: AbortSignal) {
    const modalities = this.state.card?.modalities;
    if (!modalities) throw new InvalidTaskError(`${this.state.card?.name ?? 'The chosen model'} does not translate contrasts: choose a CDM model in the Model list.`);
    if (!task.target) throw new InvalidTaskError(`Choose the target contrast: ${modalities.targets.join(', ')}.`);
    if (!modalities.targets.some((t) => t.toLowerCase() === task.target.toLowerCase())) throw new UnsupportedModalityError(`${this.state.card!.name} translates to ${modalities.targets.join(', ')}, not ${task.target}.`);
    if (modalities.sources.some((c) => !this.state.sources.picks[c])) this.refreshSources();
    const { picks, wholeSeries } = this.state.sources;
    const shown = referencePlane(slice);
    // A whole series is checked at the slice shown first, so a misregistration is reported before
    // any work; a single slice is checked by locating it below.
    let planes: ReferencePlane[] = [shown];
    if (wholeSeries) {
      const first = locateSources(this.deps.services, modalities.sources, picks, shown)[modalities.sources[0]!]!;
      planes = seriesPlanes(first.displaySet);
    }
    const read = this.deps.readSources ?? ((l, c) => readSources(l, c, (instance) => this.deps.extensionManager.getActiveDataSource?.()?.[0]?.getImageIdsForInstance?.({ instance })));
    const n = planes.length;
    const started = performance.now();
    const inputs: Image2D[] = [];
    const outputs: TaskResult[] = [];
    for (const [i, plane] of planes.entries()) {
      if (signal.aborted) throw new TaskCancelledError();
      const images = await read(locateSources(this.deps.services, modalities.sources, picks, plane), cs);
      const placed = Object.fromEntries(Object.entries(images).map(([name, img]): [string, PlacedImage] => [name, { pixels: img.data, rows: img.shape[0], columns: img.shape[1], geometry: img.geometry, ...(img.frameOfReferenceUID ? { frameOfReferenceUID: img.frameOfReferenceUID } : {}) }]));
      inputs.push(images[modalities.sources[0]!]!);
      const onProgress = (p: TaskProgress) => {
        if (n === 1) return this.set({ progress: p });
        const done = i * p.total + p.done;
        const total = n * p.total;
        const elapsedMs = performance.now() - started;
        this.set({ progress: { ...p, done, total, slice: i + 1, slices: n, stage: `slice ${i + 1}/${n}, ${p.stage ?? ''}`, elapsedMs, etaMs: (elapsedMs / done) * (total - done) } });
      };
      outputs.push(await this.deps.client.run({ task, sources: placed, options: sampling, modelUrl: this.state.modelUrl! }, { signal, onProgress }));
    }
    const sources = [...modalities.sources];
    if (n === 1) return { result: outputs[0]!, placedOn: inputs[0]! as Image2D | Volume, sources, preview: undefined };
    // One volume of all slices; the preview shows the slice nearest the one on screen.
    const placedOn = stackSlices(inputs);
    const { rows, columns } = outputs[0]!;
    const concat = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.length * rows * columns);
      parts.forEach((p, k) => out.set(p, k * rows * columns));
      return out;
    };
    const std = outputs.every((o) => o.std) ? concat(outputs.map((o) => o.std!)) : undefined;
    const result: TaskResult = { pixels: concat(outputs.map((o) => o.pixels)), rows, columns, ...(std ? { std } : {}), samples: outputs[0]!.samples, tiles: n, backend: outputs[0]!.backend, elapsedMs: performance.now() - started };
    const normal = shown.geometry.direction.slice(6, 9);
    const along = (g: ReferencePlane['geometry']) => g.origin[0] * normal[0]! + g.origin[1] * normal[1]! + g.origin[2] * normal[2]!;
    const k = planes.reduce((best, p, j) => (Math.abs(along(p.geometry) - along(shown.geometry)) < Math.abs(along(planes[best]!.geometry) - along(shown.geometry)) ? j : best), 0);
    const preview = { rows, columns, pixels: outputs[k]!.pixels, ...(outputs[k]!.std ? { std: outputs[k]!.std! } : {}) };
    return { result, placedOn: placedOn as Image2D | Volume, sources, preview };
  }

  /**
   * The source's SeriesNumber + 1000, or past the highest number in the study when that is taken,
   * so each result gets its own number in the viewer's series list.
   */
  private freeSeriesNumber(source: Image2D | Volume): number {
    const attributes = source.source.dicomAttributes ?? {};
    const study = attributes['StudyInstanceUID'];
    const numbers = [
      ...this.deps.services.displaySetService.getActiveDisplaySets().filter((d) => d.StudyInstanceUID === study).map((d) => Number(d.SeriesNumber) || 0),
      // Results not yet made into display sets by the viewer.
      ...this.state.results.flatMap((r) => r.series.filter((s) => s.studyInstanceUID === study).map((s) => s.seriesNumber)),
    ];
    const wanted = (Number(attributes['SeriesNumber']) || 0) + 1000;
    return numbers.includes(wanted) || numbers.includes(wanted + 1) ? Math.max(wanted, ...numbers) + 1 : wanted;
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

  /** Registers the derived series with OHIF through the local data source and waits for their display sets. */
  private async register(series: DerivedSeries[]): Promise<string[]> {
    const storeFn = this.deps.commandsManager.runCommand('createStoreFunction', { dataSource: this.deps.config.localDataSource, defaultFileName: 'meddiff-result.dcm' }) as
      | ((dicom: unknown) => Promise<void>)
      | null
      | undefined;
    if (typeof storeFn !== 'function') throw new RegisterFailedError(`The viewer has no data source "${this.deps.config.localDataSource}" to keep results in; add the extension's localResults data source to the app config.`);
    const uids: string[] = [];
    for (const s of series) {
      await storeFn(s.part10.map(naturalize));
      const ds = await waitForDisplaySet(this.deps.services, s.seriesInstanceUID, this.deps.displaySetTimeoutMs);
      if (ds) uids.push(ds.displaySetInstanceUID);
    }
    return uids;
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
      const source = this.deps.extensionManager.getDataSources(this.deps.config.pacsDataSource)?.[0];
      if (!source?.store?.dicom) throw new Error(`the data source "${this.deps.config.pacsDataSource}" cannot store (no STOW-RS)`);
      for (const s of entry.series) for (const bytes of s.part10) await source.store.dicom(naturalize(bytes));
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

function describeStoreError(e: unknown): string {
  const err = e as { message?: string; status?: number; request?: { status?: number; statusText?: string } };
  const status = err?.status ?? err?.request?.status;
  if (status) return `HTTP ${status}${err.request?.statusText ? ` ${err.request.statusText}` : ''}${err.message ? ` (${err.message})` : ''}`;
  return err?.message ?? String(e);
}
