import { parseModelsIndex } from '../state/modelsIndex.js';
import { answersFromCsv, answersToCsv } from './answersCsv.js';
import { degradeSlice } from './degradeSlice.js';
import type { ReaderStudyDeps, ReaderStudyState, StudySetup } from './readerStudyState.js';
import { summarizeAnswers } from './readerSummary.js';
import { ReaderStudyConfigError } from './studyErrors.js';
import { studyFromJson, studyToJson } from './studyJson.js';
import { factorOf, READER_TASKS, type Answer, type PreparedTrial, type Side, type StudyConfig } from './studyTypes.js';
import { planTrials } from './trialPlan.js';

export type { ReaderStudyDeps, ReaderStudyState, StudySetup } from './readerStudyState.js';

type Listener = (s: ReaderStudyState) => void;

/**
 * The two-alternative forced-choice reader study (the paper's): a coordinator prepares a study (a
 * seeded plan of slices, each degraded and restored by the model through the worker, kept in the
 * store); a reader is shown each trial's real slice and the model's output side by side, says
 * which is real, and may pause and resume (after a reload too); every answer is stored as it is
 * given, per reader. Results are summarised from the stored answers and leave only by an export.
 */
export class ReaderStudyController {
  private state: ReaderStudyState = { models: [], candidates: [], studies: [], prepared: 0, status: 'idle', reader: '', answers: [], summary: { readers: [] } };
  private readonly listeners = new Set<Listener>();
  private trials: PreparedTrial[] = [];
  private shownAt = 0;
  private initPromise: Promise<void> | undefined;

  constructor(private readonly deps: ReaderStudyDeps) {}

  getState(): ReaderStudyState {
    return this.state;
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  private set(patch: Partial<ReaderStudyState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }
  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }
  private fail(e: unknown): void {
    this.set({ error: (e as Error).message });
  }
  /** Shows an error the panel caught (a refused setup or start). */
  reportError(e: Error): void {
    this.fail(e);
  }

  /** Reads the models index, the viewer's series and the stored studies; the latest study is chosen. */
  init(): Promise<void> {
    this.initPromise ??= (async () => {
      this.deps.watchSeries?.(() => this.refreshSeries());
      this.refreshSeries();
      try {
        this.set({ models: parseModelsIndex(await this.deps.fetchJson(this.deps.modelsIndexUrl)) });
      } catch (e) {
        this.set({ error: `The list of models (${this.deps.modelsIndexUrl}) could not be read: ${(e as Error).message}` });
      }
      const studies = await this.deps.store.studies();
      studies.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      this.set({ studies });
      const last = studies[studies.length - 1];
      if (last) await this.selectStudy(last.studyId);
    })();
    return this.initPromise;
  }

  refreshSeries(): void {
    this.set({ candidates: this.deps.listSeries() });
  }

  async selectStudy(studyId: string): Promise<void> {
    if (this.state.status === 'preparing' || this.state.status === 'reading') throw new ReaderStudyConfigError('Pause or finish the study in progress before choosing another.');
    this.trials = (await this.deps.store.trials(studyId)).sort((a, b) => a.index - b.index);
    const answers = await this.deps.store.answers(studyId);
    const { trial: _t, position: _p, ...rest } = this.state;
    this.state = rest as ReaderStudyState;
    this.set({ studyId, prepared: this.trials.length, answers, summary: summarizeAnswers(answers), status: 'idle' });
  }

  /** Plans a study and prepares its trials: each slice read, degraded, restored by the model and stored. */
  async prepare(setup: StudySetup): Promise<StudyConfig> {
    if (this.state.status === 'preparing' || this.state.status === 'reading') throw new ReaderStudyConfigError('A study is being prepared or read; wait or pause it first.');
    if (!READER_TASKS.includes(setup.task)) throw new ReaderStudyConfigError(`Unknown task "${String(setup.task)}". Allowed: ${READER_TASKS.join(', ')}.`);
    const model = this.state.models.find((m) => m.url === setup.modelUrl);
    if (!model) throw new ReaderStudyConfigError(`No listed model at ${setup.modelUrl}.`);
    const series = this.state.candidates.filter((c) => setup.series.includes(c.seriesInstanceUID));
    if (!series.length) throw new ReaderStudyConfigError('Pick at least one series to draw trials from.');
    // A plan that cannot be drawn is refused before anything is stored.
    planTrials(series, setup.trials, setup.seed);
    const createdAt = (this.deps.clock?.() ?? new Date()).toISOString();
    const study: StudyConfig = { studyId: `study-${createdAt.replace(/[-:.]/g, '')}-seed${setup.seed}`, createdAt, task: setup.task, modelUrl: model.url, modelLabel: model.label, sampler: setup.sampler, steps: setup.steps, trials: setup.trials, seed: setup.seed, series };
    await this.deps.store.putStudy(study);
    this.trials = [];
    this.set({ studies: [...this.state.studies, study], studyId: study.studyId, prepared: 0, answers: [], summary: { readers: [] } });
    await this.prepareTrials(study);
    return study;
  }

  /**
   * Prepares the chosen study's trials that are not yet prepared (a failure or a reload stopped it
   * midway): the plan is drawn again from the study's seed, so they are the trials it would have had.
   */
  async continuePreparation(): Promise<void> {
    const study = this.state.studies.find((s) => s.studyId === this.state.studyId);
    if (!study) throw new ReaderStudyConfigError('Choose a study first.');
    if (this.state.status === 'preparing' || this.state.status === 'reading') throw new ReaderStudyConfigError('A study is being prepared or read; wait or pause it first.');
    await this.prepareTrials(study);
  }

  private async prepareTrials(study: StudyConfig): Promise<void> {
    const plan = planTrials(study.series, study.trials, study.seed);
    const model = this.state.models.find((m) => m.url === study.modelUrl);
    const done = new Set(this.trials.map((t) => t.index));
    const { error: _e, ...rest } = this.state;
    this.state = rest as ReaderStudyState;
    this.set({ status: 'preparing', preparing: { done: done.size, total: plan.length } });
    try {
      if (!model) throw new ReaderStudyConfigError(`The study's model (${study.modelUrl}) is not in the models index.`);
      await this.deps.client.loadModel(model.url, model.family, model.pinned);
      const f = factorOf(study.task);
      for (const t of plan.filter((p) => !done.has(p.index))) {
        const { real, degraded } = degradeSlice(study.task, await this.deps.readSlice(t), t.seed);
        const out = await this.deps.client.run({ task: f ? { kind: 'super-resolve', factor: f } : { kind: 'denoise' }, image: degraded, options: { sampler: study.sampler, steps: study.steps, seed: t.seed, samples: 1 }, modelUrl: model.url });
        if (out.rows !== real.rows || out.columns !== real.columns) throw new ReaderStudyConfigError(`The model returned ${out.rows} x ${out.columns} for a ${real.rows} x ${real.columns} slice.`);
        const trial: PreparedTrial = { ...t, studyId: study.studyId, rows: real.rows, columns: real.columns, real: real.pixels, generated: out.pixels };
        await this.deps.store.putTrial(trial);
        this.trials = [...this.trials, trial].sort((a, b) => a.index - b.index);
        this.set({ prepared: this.trials.length, preparing: { done: this.trials.length, total: plan.length } });
      }
      this.set({ status: 'idle' });
    } catch (e) {
      this.set({ status: 'idle' });
      this.fail(e);
    }
  }

  setReader(reader: string): void {
    if (this.state.status === 'reading') throw new ReaderStudyConfigError('Pause before changing the reader.');
    this.set({ reader: reader.trim() });
  }

  /** Shows the reader's first unanswered trial of the chosen study (a start, or a resume after a pause or a reload). */
  start(): void {
    const study = this.state.studies.find((s) => s.studyId === this.state.studyId);
    if (!study) throw new ReaderStudyConfigError('Prepare or choose a study first.');
    if (!this.state.reader) throw new ReaderStudyConfigError('Enter a reader id first: each reader keeps a separate record.');
    // A cell starting like a formula would run as one when the exported CSV is opened in a spreadsheet.
    if (/^[=+\-@]/.test(this.state.reader)) throw new ReaderStudyConfigError(`The reader id "${this.state.reader}" starts with ${this.state.reader[0]}: a spreadsheet would read it as a formula in the exported CSV. Choose an id that starts with a letter or digit.`);
    if (this.trials.length < study.trials) throw new ReaderStudyConfigError(`Only ${this.trials.length} of ${study.trials} trials are prepared.`);
    const { error: _e, ...rest } = this.state;
    this.state = rest as ReaderStudyState;
    this.showNext();
  }

  private showNext(): void {
    const mine = new Set(this.state.answers.filter((a) => a.reader === this.state.reader).map((a) => a.trial));
    const next = this.trials.find((t) => !mine.has(t.index));
    const position = { answered: mine.size, total: this.trials.length };
    if (!next) {
      const { trial: _t, ...rest } = this.state;
      this.state = rest as ReaderStudyState;
      return this.set({ status: 'finished', position });
    }
    this.shownAt = this.now();
    this.set({ status: 'reading', trial: next, position });
  }

  /** The reader takes `side` for the real slice: the answer is stored before the next trial is shown. */
  async answer(side: Side): Promise<Answer> {
    const t = this.state.trial;
    const study = this.state.studies.find((s) => s.studyId === this.state.studyId);
    if (this.state.status !== 'reading' || !t || !study) throw new ReaderStudyConfigError('No trial is shown.');
    const a: Answer = {
      studyId: study.studyId,
      reader: this.state.reader,
      trial: t.index,
      studyInstanceUID: t.studyInstanceUID,
      seriesInstanceUID: t.seriesInstanceUID,
      slice: t.slice,
      task: study.task,
      realSide: t.realSide,
      choice: side,
      correct: side === t.realSide,
      timeMs: Math.round(this.now() - this.shownAt),
      answeredAt: (this.deps.clock?.() ?? new Date()).toISOString(),
    };
    await this.deps.store.putAnswers([a]);
    const answers = [...this.state.answers.filter((x) => !(x.reader === a.reader && x.trial === a.trial)), a];
    this.set({ answers, summary: summarizeAnswers(answers) });
    this.showNext();
    return a;
  }

  /** Hides the trial; its answer and the time on it start again on resume. */
  pause(): void {
    if (this.state.status !== 'reading') return;
    const { trial: _t, ...rest } = this.state;
    this.state = rest as ReaderStudyState;
    this.set({ status: 'paused' });
  }

  exportCsv(): string {
    return answersToCsv(this.state.answers);
  }
  exportJson(): string {
    return studyToJson({ studies: this.state.studies.filter((s) => s.studyId === this.state.studyId), answers: this.state.answers });
  }

  /** Adds the answers (and studies) of a CSV or JSON export to the store; the results then include them. Malformed files throw ReaderStudyFormatError. */
  async importResults(text: string, format: 'csv' | 'json'): Promise<number> {
    const data = format === 'csv' ? { studies: [], answers: answersFromCsv(text) } : studyFromJson(text);
    const known = new Set(this.state.studies.map((s) => s.studyId));
    for (const s of data.studies) if (!known.has(s.studyId)) await this.deps.store.putStudy(s);
    await this.deps.store.putAnswers(data.answers);
    const studies = await this.deps.store.studies();
    this.set({ studies: studies.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) });
    const studyId = data.answers[0]?.studyId ?? this.state.studyId;
    if (studyId && this.state.status !== 'reading' && this.state.status !== 'preparing') await this.selectStudy(studyId);
    return data.answers.length;
  }
}
