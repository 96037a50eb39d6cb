import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { MedCDiffPipeline } from '@meddiff/med-cdiff';
import { selectNodeBackend } from '@meddiff/diffusion-core/node';
import { loadPipeline } from '@meddiff/med-cdiff/node';
import { DicomwebClient, type DicomwebOptions } from '../dicomweb/dicomwebClient.js';
import { isPermanentFailure, processSeriesJob, type JobOutcome, type JobProgress } from '../job/processSeriesJob.js';
import { InvalidJobError, parseSeriesJob, type SeriesJob } from '../job/seriesJob.js';
import { deadLetterQueueName, DEFAULT_QUEUE, redisConnection } from './queues.js';

export interface BatchWorkerOptions {
  redisUrl: string;
  dicomweb: DicomwebOptions;
  /** A folder of model folders; a job names one of them. */
  modelsDir: string;
  queue?: string;
  /** Sampling threads per worker process (default 1: run one worker process per core to scale). */
  threads?: number;
  /** How long a job's lock lasts without renewal; a killed worker's job returns to the queue after it (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died (default 30 s). */
  stalledIntervalMs?: number;
  workDir?: string;
  log?: (line: string) => void;
}

export interface RunningBatchWorker {
  /** Stops taking jobs, lets the current one finish, and closes the connections. */
  close(): Promise<void>;
  readonly worker: Worker;
}

/** Job data as the queue holds it; the dead-letter queue's jobs carry the failure too. */
export interface DeadLetter {
  job: SeriesJob | unknown;
  jobId: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string;
}

/**
 * A worker of the batch service: takes series jobs from the queue one at a time, runs them
 * (processSeriesJob), and reports progress on the job. Bad jobs fail at once; others are retried
 * with back-off; a job that fails for good is copied to the dead-letter queue with its reason.
 * A worker that dies mid-job loses its lock, and another worker takes the job again.
 */
export async function startBatchWorker(o: BatchWorkerOptions): Promise<RunningBatchWorker> {
  const log = o.log ?? (() => {});
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const modelsDir = resolve(o.modelsDir);
  if (!existsSync(modelsDir)) throw new InvalidJobError(`The models folder ${modelsDir} does not exist; give --models a folder of model folders.`);
  await selectNodeBackend('wasm');
  const dicomweb = new DicomwebClient(o.dicomweb);
  const pipelines = new Map<string, Promise<MedCDiffPipeline>>();
  const pipelineFor = (model: string): Promise<MedCDiffPipeline> => {
    const dir = join(modelsDir, model);
    if (!existsSync(join(dir, 'model.json'))) return Promise.reject(new InvalidJobError(`There is no model '${model}' in ${modelsDir}.`));
    let p = pipelines.get(model);
    if (!p) {
      p = loadPipeline(dir, o.threads ?? 1);
      p.catch(() => pipelines.delete(model));
      pipelines.set(model, p);
    }
    return p;
  };
  const workDir = o.workDir ?? join(tmpdir(), 'meddiff-batch');
  mkdirSync(workDir, { recursive: true });

  const connection = redisConnection(o.redisUrl);
  const deadConnection = redisConnection(o.redisUrl);
  const dead = new Queue<DeadLetter>(deadLetterQueueName(queueName), { connection: deadConnection });

  const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<JobOutcome> => {
    let request: SeriesJob;
    try {
      request = parseSeriesJob(job.data);
    } catch (e) {
      throw new UnrecoverableError((e as Error).message);
    }
    const started = Date.now();
    log(`job ${job.id}: ${request.task} of series ${request.series} with ${request.model} (attempt ${job.attemptsMade + 1})`);
    try {
      const outcome = await processSeriesJob(request, job.id!, {
        dicomweb,
        pipelineFor,
        workDir,
        ...(signal ? { signal } : {}),
        onProgress: (p: JobProgress) => void job.updateProgress({ ...p }).catch(() => {}),
      });
      log(`job ${job.id}: ${outcome.alreadyStored ? 'already stored' : `stored ${outcome.instances} instances`} as series ${outcome.seriesInstanceUID} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return outcome;
    } catch (e) {
      log(`job ${job.id}: failed: ${(e as Error).message}`);
      if (isPermanentFailure(e)) throw new UnrecoverableError(`${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
      throw e;
    }
  };

  const worker = new Worker(queueName, processor, {
    connection,
    concurrency: 1,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    // A job whose worker died twice is more likely to kill workers than to be unlucky.
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const letter: DeadLetter = { job: job.data, jobId: job.id!, failedReason: error.message, attemptsMade: job.attemptsMade, failedAt: new Date().toISOString() };
    dead.add('dead', letter, { jobId: job.id! }).catch((e: unknown) => log(`could not add job ${job.id} to the dead-letter queue: ${(e as Error).message}`));
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ${process.pid} takes jobs from '${queueName}' on ${o.redisUrl.replace(/\/\/[^@]*@/, '//***@')}`);

  return {
    worker,
    async close() {
      await worker.close();
      await dead.close();
      for (const p of pipelines.values()) (await p.catch(() => undefined))?.dispose();
      connection.disconnect();
      deadConnection.disconnect();
    },
  };
}
