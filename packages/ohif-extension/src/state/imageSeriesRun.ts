/**
 * Super-resolution, denoising or inpainting of every slice of the series shown: the slices are read,
 * normalised alike (the model's percentiles of the whole series, as the CLI does), and sent to the
 * worker SLICES_PER_CALL at a time, where the pipeline batches them through the network. Inpainting
 * takes each slice's own mask (the active segment of the labelmap on that slice, or a rectangle
 * drawn on it); slices without one are kept as they are. The result is one volume on the series'
 * grid (finer after super-resolution), one slice per source slice.
 */
import { computeNormalization, stackSlices, type Volume } from '@meddiff/imaging';
import { NoMaskError } from '../errors.js';
import type { ImageTask, IntensityRange, ModelCard, SamplingOptions, TaskProgress, TaskResult } from '../model/taskTypes.js';
import type { CornerstoneGlobals } from '../ohif/ohifTypes.js';
import { readInpaintMask, type MaskSource } from '../viewer/activeMask.js';
import type { ActiveSlice } from '../viewer/activeSlice.js';
import { readSeriesSlices } from '../viewer/sourceSeries.js';
import type { ControllerDeps, ResultEntry } from './controllerState.js';
import { runSeries, sliceOf } from './seriesRun.js';

/** Slices a worker call takes: the pipeline batches their tiles and samples, 4 images a network call. */
export const SLICES_PER_CALL = 4;

export interface ImageSeriesContext {
  deps: ControllerDeps;
  card: ModelCard | undefined;
  modelUrl: string;
  onProgress: (p: TaskProgress) => void;
}

export interface ImageSeriesOutcome {
  result: TaskResult;
  placedOn: Volume;
  /** The slice shown, from the result. */
  preview: ResultEntry['preview'];
  maskSource?: MaskSource;
}

/** The model's percentiles of all the slices' values (one range for the series), when the card names them. */
export function seriesRange(slices: readonly ActiveSlice[], card: ModelCard | undefined): IntensityRange | undefined {
  if (!card?.normalization) return undefined;
  const values = new Float32Array(slices.reduce((n, s) => n + s.image.data.length, 0));
  let at = 0;
  for (const s of slices) {
    values.set(s.image.data, at);
    at += s.image.data.length;
  }
  const { low, high } = computeNormalization(values, card.normalization);
  return high > low ? { low, high } : undefined;
}

export async function runImageSeries(ctx: ImageSeriesContext, task: ImageTask, shown: ActiveSlice, cs: CornerstoneGlobals | undefined, sampling: SamplingOptions, signal: AbortSignal): Promise<ImageSeriesOutcome> {
  const { deps } = ctx;
  const imageIdOf = (instance: Record<string, unknown>) => deps.extensionManager.getActiveDataSource?.()?.[0]?.getImageIdsForInstance?.({ instance });
  const slices = await (deps.readSeries ?? readSeriesSlices)(shown, cs, imageIdOf);
  const normalization = seriesRange(slices, ctx.card);
  // Inpainting: each slice's own mask; slices with none are kept.
  let masks: (Uint8Array | undefined)[] | undefined;
  let maskSource: MaskSource | undefined;
  if (task.kind === 'inpaint') {
    masks = slices.map((s) => {
      try {
        const m = readInpaintMask(deps.services, s, cs!, { perImage: true });
        maskSource ??= m.source;
        return m.mask;
      } catch (e) {
        if (e instanceof NoMaskError) return undefined;
        throw e;
      }
    });
    if (!masks.some(Boolean)) throw new NoMaskError('No slice of the series has a region to inpaint: paint a segment of the active labelmap (or draw a Rectangle) on the slices to fill.');
  }
  const run = masks ? slices.flatMap((_, k) => (masks![k] ? [k] : [])) : slices.map((_, k) => k);
  const ran = await runSeries(
    (first, count, onProgress) => {
      const picked = run.slice(first, first + count);
      return deps.client.run(
        {
          task,
          images: picked.map((k) => ({ pixels: slices[k]!.image.data, rows: slices[k]!.image.shape[0], columns: slices[k]!.image.shape[1] })),
          ...(masks ? { masks: picked.map((k) => masks![k]!) } : {}),
          ...(normalization ? { normalization } : {}),
          // Each call its own seeds, so calls do not repeat one another's noise.
          options: { ...sampling, seed: sampling.seed + first },
          modelUrl: ctx.modelUrl,
        },
        { signal, onProgress },
      );
    },
    { slices: run.length, perCall: SLICES_PER_CALL, signal, onProgress: ctx.onProgress },
  );
  const result = masks ? keepUnmasked(ran, slices, run) : ran;
  const { rows, columns } = result;
  const k = Math.max(0, slices.findIndex((s) => s.imageId === shown.imageId));
  const preview = { rows, columns, pixels: sliceOf(result.pixels, rows, columns, k), ...(result.std ? { std: sliceOf(result.std, rows, columns, k) } : {}) };
  return { result, placedOn: stackSlices(slices.map((s) => s.image)), preview, ...(maskSource ? { maskSource } : {}) };
}

/** Inpainting: every slice of the series, the run ones from the result and the others as they were (spread 0). */
function keepUnmasked(ran: TaskResult, slices: readonly ActiveSlice[], run: readonly number[]): TaskResult {
  const { rows, columns } = ran;
  const n = rows * columns;
  const pixels = new Float32Array(slices.length * n);
  const std = ran.std ? new Float32Array(slices.length * n) : undefined;
  slices.forEach((s, k) => pixels.set(s.image.data, k * n));
  run.forEach((k, j) => {
    pixels.set(sliceOf(ran.pixels, rows, columns, j), k * n);
    if (std) std.set(sliceOf(ran.std!, rows, columns, j), k * n);
  });
  return { ...ran, pixels, ...(std ? { std } : {}), depth: slices.length };
}
