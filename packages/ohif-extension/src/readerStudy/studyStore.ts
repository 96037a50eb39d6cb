import type { Answer, PreparedTrial, StudyConfig } from './studyTypes.js';

/**
 * Where a reader study lives in the browser: its configuration, its prepared trials (the real and
 * the generated slice of each, so a reload does not run the model again) and every reader's answers,
 * one per study, reader and trial. Nothing leaves the browser except by an export.
 */
export interface StudyStore {
  studies(): Promise<StudyConfig[]>;
  putStudy(study: StudyConfig): Promise<void>;
  trials(studyId: string): Promise<PreparedTrial[]>;
  putTrial(trial: PreparedTrial): Promise<void>;
  /** Every answer, or a study's. */
  answers(studyId?: string): Promise<Answer[]>;
  /** Adds or replaces answers (by study, reader and trial) in one transaction. */
  putAnswers(answers: readonly Answer[]): Promise<void>;
}

export const STUDY_DB = 'meddiff-reader-study';
const VERSION = 1;
const STUDIES = 'studies';
const TRIALS = 'trials';
const ANSWERS = 'answers';

function done<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the IndexedDB transaction was aborted'));
  });
}

/** The store in IndexedDB (database `meddiff-reader-study`): records keyed as StudyStore says, nothing else. */
export function indexedDbStudyStore(factory: IDBFactory = indexedDB): StudyStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      const r = factory.open(STUDY_DB, VERSION);
      r.onupgradeneeded = () => {
        r.result.createObjectStore(STUDIES, { keyPath: 'studyId' });
        r.result.createObjectStore(TRIALS, { keyPath: ['studyId', 'index'] });
        r.result.createObjectStore(ANSWERS, { keyPath: ['studyId', 'reader', 'trial'] });
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }));
  // Keys start with the study id, so a study's records are one key range.
  const ofStudy = (studyId: string) => IDBKeyRange.bound([studyId], [studyId, []]);
  const all = async <T>(name: string, range?: IDBKeyRange) => (await done((await open()).transaction(name).objectStore(name).getAll(range))) as T[];
  const put = async (name: string, values: readonly unknown[]) => {
    const tx = (await open()).transaction(name, 'readwrite');
    for (const v of values) tx.objectStore(name).put(v);
    await committed(tx);
  };
  return {
    studies: () => all<StudyConfig>(STUDIES),
    putStudy: (s) => put(STUDIES, [s]),
    trials: (studyId) => all<PreparedTrial>(TRIALS, ofStudy(studyId)),
    putTrial: (t) => put(TRIALS, [t]),
    answers: (studyId) => all<Answer>(ANSWERS, studyId === undefined ? undefined : ofStudy(studyId)),
    putAnswers: (a) => put(ANSWERS, a),
  };
}

/** The same store in memory, for hosts without IndexedDB and for tests. */
export function memoryStudyStore(): StudyStore {
  const studies = new Map<string, StudyConfig>();
  const trials = new Map<string, PreparedTrial>();
  const answers = new Map<string, Answer>();
  return {
    studies: async () => [...studies.values()],
    putStudy: async (s) => void studies.set(s.studyId, structuredClone(s)),
    trials: async (id) => [...trials.values()].filter((t) => t.studyId === id).sort((a, b) => a.index - b.index),
    putTrial: async (t) => void trials.set(`${t.studyId}/${t.index}`, structuredClone(t)),
    answers: async (id) => [...answers.values()].filter((a) => id === undefined || a.studyId === id),
    putAnswers: async (list) => list.forEach((a) => answers.set(`${a.studyId}\u0000${a.reader}\u0000${a.trial}`, structuredClone(a))),
  };
}
