/**
 * What a run computes, before anything is written: the task on the slice shown or on its whole
 * series (imageSeriesRun.ts), or a contrast translation (translationRun.ts). The controller turns
 * the outcome into derived series.
 */
import type { Image2D, Volume } from '@meddiff/imaging';
import type { ModelCard, SamplingOptions, Task, TaskProgress, TaskResult } from '../model/taskTypes.js';
import type { CornerstoneGlobals } from '../ohif/ohifTypes.js';
import { readInpaintMask, type MaskSource } from '../viewer/activeMask.js';
import type { ActiveSlice } from '../viewer/activeSlice.js';
import type { ControllerDeps, ResultEntry, TranslationSources } from './controllerState.js';
import { runImageSeries } from './imageSeriesRun.js';
import { runTranslation } from './translationRun.js';

export interface RunContext {
  deps: ControllerDeps;
  card: ModelCard | undefined;
  modelUrl: string;
  wholeSeries: boolean;
  sources: () => TranslationSources;
  refreshSources: () => void;
  onProgress: (p: TaskProgress) => void;
}

export interface RunOutcome {
  result: TaskResult;
  /** The grid the result is placed on, in its study: the slice, or the series as a volume. */
  placedOn: Image2D | Volume;
  /** Translation: the source contrasts. */
  sources?: string[];
  /** The slice shown, when the result has several; otherwise the result itself. */
  preview?: ResultEntry['preview'];
  maskSource?: MaskSource;
}

export async function computeRun(ctx: RunContext, task: Task, slice: ActiveSlice, cs: CornerstoneGlobals | undefined, sampling: SamplingOptions, signal: AbortSignal): Promise<RunOutcome> {
  const { deps } = ctx;
  if (task.kind === 'translate') {
    const t = await runTranslation(ctx, task, slice, cs, sampling, signal);
    return { result: t.result, placedOn: t.placedOn, sources: t.sources, ...(t.preview ? { preview: t.preview } : {}) };
  }
  if (ctx.wholeSeries) return runImageSeries(ctx, task, slice, cs, sampling, signal);
  const mask = task.kind === 'inpaint' ? readInpaintMask(deps.services, slice, cs!) : undefined;
  const [rows, columns] = slice.image.shape;
  const result = await deps.client.run(
    { task, image: { pixels: slice.image.data, rows, columns }, ...(mask ? { mask: mask.mask } : {}), options: sampling, modelUrl: ctx.modelUrl },
    { signal, onProgress: ctx.onProgress },
  );
  return { result, placedOn: slice.image, ...(mask ? { maskSource: mask.source } : {}) };
}
