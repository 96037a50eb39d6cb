import type { InferenceClient } from '../model/inferenceClient.js';
import type { SamplerName, TaskImage } from '../model/taskTypes.js';
import type { ModelEntry } from '../state/modelsIndex.js';
import type { StudySummary } from './readerSummary.js';
import type { StudyStore } from './studyStore.js';
import type { Answer, PlannedTrial, PreparedTrial, ReaderTaskName, StudyConfig, StudySeries } from './studyTypes.js';

/** What a coordinator sets before preparing a study. */
export interface StudySetup {
  task: ReaderTaskName;
  modelUrl: string;
  sampler: SamplerName;
  steps: number;
  trials: number;
  seed: number;
  /** SeriesInstanceUIDs picked from the candidates. */
  series: string[];
}

export type ReaderStatus = 'idle' | 'preparing' | 'reading' | 'paused' | 'finished';

export interface ReaderStudyState {
  models: ModelEntry[];
  /** Image series of the studies open in the viewer: what trials can be drawn from. */
  candidates: StudySeries[];
  studies: StudyConfig[];
  /** The study being prepared or read. */
  studyId?: string;
  /** Its trials prepared so far (planned: the study's `trials`). */
  prepared: number;
  preparing?: { done: number; total: number };
  status: ReaderStatus;
  reader: string;
  /** The trial shown to the reader, with its place in the study. */
  trial?: PreparedTrial;
  position?: { answered: number; total: number };
  /** Every answer to the chosen study, all readers. */
  answers: Answer[];
  summary: StudySummary;
  error?: string;
}

/** What the controller needs from its host: the worker, the store, the models index and the viewer's slices. */
export interface ReaderStudyDeps {
  client: Pick<InferenceClient, 'loadModel' | 'run'>;
  store: StudyStore;
  modelsIndexUrl: string;
  fetchJson: (url: string) => Promise<unknown>;
  /** The image series of the studies open in the viewer. */
  listSeries: () => StudySeries[];
  /** Calls back when the viewer's series change (a study loading); returns the unsubscribe. */
  watchSeries?: (changed: () => void) => () => void;
  /** The pixels of a planned trial's slice, in modality units. */
  readSlice: (trial: PlannedTrial) => Promise<TaskImage>;
  /** Milliseconds, for the time per trial (performance.now in a browser). */
  now?: () => number;
  /** Study ids and answer times. */
  clock?: () => Date;
}
