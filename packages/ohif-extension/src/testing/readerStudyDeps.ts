import type { TaskRequest, TaskResult } from '../model/taskTypes.js';
import type { ReaderStudyDeps } from '../readerStudy/readerStudyController.js';
import type { StudyStore } from '../readerStudy/studyStore.js';

export const READER_SERIES = [{ studyInstanceUID: '1.2', seriesInstanceUID: '1.2.1', slices: 5, label: 'MR' }];

/** A reader-study controller's dependencies without a viewer or a worker: one 5-slice series of 8 x 8 ramps, a model that adds 0.5, a settable clock. */
export function readerStudyDeps(store: StudyStore, t = { ms: 0 }): ReaderStudyDeps & { runs: TaskRequest[] } {
  const runs: TaskRequest[] = [];
  return {
    runs,
    store,
    modelsIndexUrl: '/models/index.json',
    fetchJson: async () => ({ models: [{ id: 'dn', label: 'Denoising', url: '/models/dn/', tasks: ['denoise'] }] }),
    listSeries: () => READER_SERIES,
    // Slice k is the constant-free ramp k*100 + i.
    readSlice: async (p) => ({ pixels: Float32Array.from({ length: 64 }, (_, i) => p.slice * 100 + i), rows: 8, columns: 8 }),
    client: {
      loadModel: async () => ({ name: 'dn', trainedOn: '', intendedUse: '' }),
      run: async (r: TaskRequest): Promise<TaskResult> => {
        runs.push(r);
        const img = 'image' in r ? r.image : undefined;
        return { pixels: img!.pixels.map((v) => v + 0.5), rows: img!.rows, columns: img!.columns, samples: 1, tiles: 1, backend: 'cpu', elapsedMs: 1 };
      },
    },
    now: () => t.ms,
    clock: () => new Date(Date.UTC(2026, 11, 7, 15, 0, 0) + t.ms),
  };
}


/** A denoising study of 4 trials from READER_SERIES. */
export const READER_SETUP = { task: 'denoise' as const, modelUrl: '/models/dn/', sampler: 'dpm-solver' as const, steps: 2, trials: 4, seed: 3, series: ['1.2.1'] };
