/**
 * A contrast translation in the viewer: the slice shown, or every slice of the first source
 * series (through runSeries, one position a call). At each position the picked series' slices are
 * located, checked co-registered and read, then translated in the worker; several slices become
 * one volume on the first source's grid.
 */
import { stackSlices, type Image2D, type Volume } from '@meddiff/imaging';
import { InvalidTaskError, UnsupportedModalityError } from '../errors.js';
import type { ModelCard, PlacedImage, SamplingOptions, TaskProgress, TaskResult, TranslateTask } from '../model/taskTypes.js';
import type { CornerstoneGlobals } from '../ohif/ohifTypes.js';
import type { ActiveSlice } from '../viewer/activeSlice.js';
import { locateSources, readSources, referencePlane, seriesPlanes, type ReferencePlane } from '../viewer/sourceSeries.js';
import type { ControllerDeps, ResultEntry, TranslationSources } from './controllerState.js';
import { runSeries, sliceOf } from './seriesRun.js';

export interface TranslationContext {
  deps: ControllerDeps;
  card: ModelCard | undefined;
  modelUrl: string;
  /** The sources picked now, refreshed first when a contrast has no series picked. */
  sources: () => TranslationSources;
  refreshSources: () => void;
  /** Every slice of the first source series, not only the slice shown. */
  wholeSeries: boolean;
  onProgress: (p: TaskProgress) => void;
}

export interface TranslationOutcome {
  result: TaskResult;
  /** The grid the result is placed on: the first source's slice, or its series as a volume. */
  placedOn: Image2D | Volume;
  sources: string[];
  /** A whole series: the slice nearest the one shown; otherwise the result itself is the preview. */
  preview: ResultEntry['preview'] | undefined;
}

export async function runTranslation(ctx: TranslationContext, task: TranslateTask, slice: ActiveSlice, cs: CornerstoneGlobals | undefined, sampling: SamplingOptions, signal: AbortSignal): Promise<TranslationOutcome> {
  const { deps, card } = ctx;
  const modalities = card?.modalities;
  if (!modalities) throw new InvalidTaskError(`${card?.name ?? 'The chosen model'} does not translate contrasts: choose a CDM model in the Model list.`);
  if (!task.target) throw new InvalidTaskError(`Choose the target contrast: ${modalities.targets.join(', ')}.`);
  if (!modalities.targets.some((t) => t.toLowerCase() === task.target.toLowerCase())) throw new UnsupportedModalityError(`${card.name} translates to ${modalities.targets.join(', ')}, not ${task.target}.`);
  if (modalities.sources.some((c) => !ctx.sources().picks[c])) ctx.refreshSources();
  const { picks } = ctx.sources();
  const shown = referencePlane(slice);
  // A whole series is checked at the slice shown first, so a misregistration is reported before
  // any work; a single slice is checked by locating it below.
  let planes: ReferencePlane[] = [shown];
  if (ctx.wholeSeries) {
    const first = locateSources(deps.services, modalities.sources, picks, shown)[modalities.sources[0]!]!;
    planes = seriesPlanes(first.displaySet);
  }
  const read = deps.readSources ?? ((l, c) => readSources(l, c, (instance) => deps.extensionManager.getActiveDataSource?.()?.[0]?.getImageIdsForInstance?.({ instance })));
  const n = planes.length;
  const inputs: Image2D[] = [];
  const translate = async (plane: ReferencePlane, onProgress: (p: TaskProgress) => void): Promise<TaskResult> => {
    const images = await read(locateSources(deps.services, modalities.sources, picks, plane), cs);
    const placed = Object.fromEntries(Object.entries(images).map(([name, img]): [string, PlacedImage] => [name, { pixels: img.data, rows: img.shape[0], columns: img.shape[1], geometry: img.geometry, ...(img.frameOfReferenceUID ? { frameOfReferenceUID: img.frameOfReferenceUID } : {}) }]));
    inputs.push(images[modalities.sources[0]!]!);
    return deps.client.run({ task, sources: placed, options: sampling, modelUrl: ctx.modelUrl }, { signal, onProgress });
  };
  const sources = [...modalities.sources];
  if (n === 1) return { result: await translate(shown, ctx.onProgress), placedOn: inputs[0]!, sources, preview: undefined };
  const result = await runSeries((first, _count, onProgress) => translate(planes[first]!, onProgress), { slices: n, perCall: 1, signal, onProgress: ctx.onProgress });
  // One volume of all slices; the preview shows the slice nearest the one on screen.
  const placedOn = stackSlices(inputs);
  const { rows, columns } = result;
  const normal = shown.geometry.direction.slice(6, 9);
  const along = (g: ReferencePlane['geometry']) => g.origin[0] * normal[0]! + g.origin[1] * normal[1]! + g.origin[2] * normal[2]!;
  const k = planes.reduce((best, p, j) => (Math.abs(along(p.geometry) - along(shown.geometry)) < Math.abs(along(planes[best]!.geometry) - along(shown.geometry)) ? j : best), 0);
  const preview = { rows, columns, pixels: sliceOf(result.pixels, rows, columns, k), ...(result.std ? { std: sliceOf(result.std, rows, columns, k) } : {}) };
  return { result, placedOn, sources, preview };
}
