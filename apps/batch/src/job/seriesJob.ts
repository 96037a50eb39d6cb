import { createHash } from 'node:crypto';
import { isValidUid } from '@meddiff/imaging';

/** The Med-cDiff tasks a batch job can run on a whole series. Inpainting needs a mask per slice, which a series alone does not give. */
export const BATCH_TASKS = ['super-resolution', 'denoising'] as const;
export type BatchTask = (typeof BATCH_TASKS)[number];

/** One unit of work: a series, what to do to it, and with which model. Plain data, as stored in Redis. */
export interface SeriesJob {
  study: string;
  series: string;
  task: BatchTask;
  /** A model folder's name under the worker's --models folder, e.g. med-cdiff-denoising-tiny. */
  model: string;
  /** Super-resolution factor; default the model's only trained factor. */
  factor?: number;
  steps?: number;
  /** Samples per slice; more than one adds a standard-deviation series. */
  samples?: number;
  seed?: number;
}

/** A job description that cannot be run as it is; retrying will not help. */
export class InvalidJobError extends Error {
  override name = 'InvalidJobError';
  readonly code = 'INVALID_JOB';
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Checks a job's fields one by one (it may come from another machine's submit) and returns it with only the known keys. */
export function parseSeriesJob(data: unknown): SeriesJob {
  if (typeof data !== 'object' || data === null) throw new InvalidJobError(`A job must be an object, got ${JSON.stringify(data)?.slice(0, 80)}.`);
  const d = data as Record<string, unknown>;
  for (const key of ['study', 'series'] as const) {
    if (typeof d[key] !== 'string' || !isValidUid(d[key] as string)) throw new InvalidJobError(`job.${key} must be a DICOM UID (digits and dots), got ${JSON.stringify(d[key])?.slice(0, 80)}.`);
  }
  if (!BATCH_TASKS.includes(d.task as BatchTask)) throw new InvalidJobError(`job.task must be one of ${BATCH_TASKS.join(', ')}, got ${JSON.stringify(d.task)}.`);
  if (typeof d.model !== 'string' || !MODEL_NAME.test(d.model)) throw new InvalidJobError(`job.model must be a model folder's name (letters, digits, '.', '_', '-'), got ${JSON.stringify(d.model)?.slice(0, 80)}.`);
  const job: SeriesJob = { study: d.study as string, series: d.series as string, task: d.task as BatchTask, model: d.model };
  const integer = (key: 'steps' | 'samples' | 'seed', min: number) => {
    if (d[key] === undefined) return;
    if (!Number.isInteger(d[key]) || (d[key] as number) < min) throw new InvalidJobError(`job.${key} must be an integer >= ${min}, got ${JSON.stringify(d[key])}.`);
    job[key] = d[key] as number;
  };
  integer('steps', 1);
  integer('samples', 1);
  integer('seed', 0);
  if (d.factor !== undefined) {
    if (job.task !== 'super-resolution') throw new InvalidJobError(`job.factor is for super-resolution, but the task is ${job.task}.`);
    if (typeof d.factor !== 'number' || !(d.factor > 1) || !Number.isFinite(d.factor)) throw new InvalidJobError(`job.factor must be a number > 1, got ${JSON.stringify(d.factor)}.`);
    job.factor = d.factor;
  }
  return job;
}

/**
 * The job's id: a digest of what it asks for. Submitting the same request twice gives one job
 * (BullMQ ignores an id it holds), and the derived series' UIDs are made from it, so a retried job
 * writes the same series again instead of a second one.
 */
export function jobIdFor(job: SeriesJob): string {
  const canonical = JSON.stringify([job.study, job.series, job.task, job.model, job.factor ?? null, job.steps ?? null, job.samples ?? null, job.seed ?? null]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
