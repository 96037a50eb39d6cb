import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MedCDiffPipeline } from '@meddiff/med-cdiff';
import { namedDerivedUids, runModel } from '@meddiff/med-cdiff/node';
import { DicomwebError, jsonValue, TAG, type DicomwebClient } from '../dicomweb/dicomwebClient.js';
import { InvalidJobError, type SeriesJob } from './seriesJob.js';

export interface JobProgress {
  stage: 'retrieving' | 'sampling' | 'storing';
  /** Slices finished, of `slices`. */
  done: number;
  slices: number;
  /** Remaining time of the sampling stage at the pace of the slices so far; absent before the first. */
  etaMs?: number;
}

export interface JobOutcome {
  seriesInstanceUID: string;
  stdSeriesInstanceUID?: string;
  instances: number;
  /** The derived series was already complete in the archive (an earlier attempt stored it); nothing was computed. */
  alreadyStored: boolean;
}

export interface ProcessContext {
  dicomweb: DicomwebClient;
  /** The loaded pipeline for a model name (the worker keeps them loaded between jobs). */
  pipelineFor(model: string): Promise<MedCDiffPipeline>;
  /** A folder for the job's temporary files (removed after the job). */
  workDir: string;
  onProgress?(p: JobProgress): void;
  signal?: AbortSignal;
}

/** Instances per STOW-RS request: small enough for any proxy's body limit, large enough to be quick. */
const STOW_BATCH = 16;

/**
 * Runs one job: reads the series by WADO-RS, runs Med-cDiff on every slice with the volume's
 * statistics (the same `runModel` the CLI uses), and stores the derived series (and the spread
 * series when samples > 1) in the source's study by STOW-RS. The derived UIDs are made from the job
 * id, so a retried job stores the same instances again, and a job whose series is already complete
 * in the archive finishes without computing anything.
 */
export async function processSeriesJob(job: SeriesJob, jobId: string, ctx: ProcessContext): Promise<JobOutcome> {
  const uidName = `meddiff-batch/${jobId}`;
  const [source] = await ctx.dicomweb.search(`studies/${job.study}/series`, { SeriesInstanceUID: job.series, includefield: TAG.numberOfSeriesRelatedInstances });
  if (!source) throw new InvalidJobError(`Series ${job.series} is not in study ${job.study} on the DICOMweb server; check the UIDs.`);
  const count = Number(jsonValue(source, TAG.numberOfSeriesRelatedInstances));
  const slices = Array.from({ length: Number.isInteger(count) && count > 0 ? count : 0 }, (_, k) => k);
  const expected = namedDerivedUids(uidName, 'result', slices);
  if (slices.length > 0 && (await storedInstances(ctx.dicomweb, job.study, expected.series)) >= slices.length) {
    return { seriesInstanceUID: expected.series, instances: slices.length, alreadyStored: true };
  }

  const dir = mkdtempSync(join(ctx.workDir, 'job-'));
  try {
    ctx.onProgress?.({ stage: 'retrieving', done: 0, slices: slices.length });
    const instances = await ctx.dicomweb.retrieveSeries(job.study, job.series);
    mkdirSync(join(dir, 'in'));
    instances.forEach((bytes, i) => writeFileSync(join(dir, 'in', `${String(i).padStart(5, '0')}.dcm`), bytes));

    const pipeline = await ctx.pipelineFor(job.model);
    const started = performance.now();
    let done = 0;
    const result = await runModel({
      model: pipeline,
      input: join(dir, 'in'),
      out: join(dir, 'out'),
      allSlices: true,
      task: job.task,
      ...(job.factor !== undefined ? { factor: job.factor } : {}),
      ...(job.steps !== undefined ? { steps: job.steps } : {}),
      ...(job.samples !== undefined ? { samples: job.samples } : {}),
      seed: job.seed ?? 0,
      uidName,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (calling, p) => {
        // A call's slices are batched together: they are finished when its last step is.
        if (p.step === p.total) done = calling.at(-1)! + 1;
        const total = instances.length;
        const perSlice = done > 0 ? (performance.now() - started) / done : undefined;
        ctx.onProgress?.({ stage: 'sampling', done, slices: total, ...(perSlice !== undefined ? { etaMs: Math.round(perSlice * (total - done)) } : {}) });
      },
    });

    const files = [...result.files, ...result.stdFiles];
    for (let i = 0; i < files.length; i += STOW_BATCH) {
      ctx.onProgress?.({ stage: 'storing', done: result.slices.length, slices: result.slices.length });
      await ctx.dicomweb.store(job.study, files.slice(i, i + STOW_BATCH).map((f) => new Uint8Array(readFileSync(f))));
    }
    return {
      seriesInstanceUID: result.seriesInstanceUID!,
      ...(result.stdSeriesInstanceUID ? { stdSeriesInstanceUID: result.stdSeriesInstanceUID } : {}),
      instances: result.files.length,
      alreadyStored: false,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many instances of a series the archive holds (0 when it holds none). */
async function storedInstances(dicomweb: DicomwebClient, study: string, series: string): Promise<number> {
  try {
    const [found] = await dicomweb.search(`studies/${study}/series`, { SeriesInstanceUID: series, includefield: TAG.numberOfSeriesRelatedInstances });
    return found ? Number(jsonValue(found, TAG.numberOfSeriesRelatedInstances)) || 0 : 0;
  } catch (e) {
    if (e instanceof DicomwebError && e.status === 404) return 0;
    throw e;
  }
}

/**
 * Whether retrying cannot help: a job that asks for something impossible (typed errors of the
 * packages: bad input, a model for another task) or a DICOMweb answer like 400/403/404. Network
 * failures, 5xx and untyped errors (bugs, crashes) are retried.
 */
export function isPermanentFailure(e: unknown): boolean {
  if (e instanceof DicomwebError) return !e.retryable;
  const code = (e as { code?: unknown })?.code;
  return e instanceof Error && typeof code === 'string' && code !== 'CANCELLED';
}
