import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { jobIdFor, parseSeriesJob, type SeriesJob } from '../job/seriesJob.js';

/** The queue every submitter and worker shares, and where jobs go that failed for good. */
export const DEFAULT_QUEUE = 'meddiff-series';
export const deadLetterQueueName = (queue: string): string => `${queue}-dead`;

/**
 * Retries with exponential back-off (5, 10, 20 s...). Finished jobs are kept a week, so that the
 * same request submitted again within that time is recognised by its id and not run twice.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A Redis connection for BullMQ: commands wait across a Redis restart instead of failing
 * (maxRetriesPerRequest null, which BullMQ's workers require), reconnecting every second at most.
 */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 100, 1000) });
}

export interface SubmitResult {
  /** Jobs added now. */
  added: string[];
  /** Jobs the queue already held (the same request submitted before), left as they are. */
  existing: string[];
}

/** Adds one job per series; ids are digests of the requests, so submitting again adds nothing twice. */
export async function submitJobs(queue: Queue, jobs: readonly SeriesJob[], options: Partial<JobsOptions> = {}): Promise<SubmitResult> {
  const result: SubmitResult = { added: [], existing: [] };
  for (const raw of jobs) {
    const job = parseSeriesJob(raw);
    const id = jobIdFor(job);
    if (await queue.getJob(id)) {
      result.existing.push(id);
      continue;
    }
    await queue.add('series', job, { ...JOB_OPTIONS, ...options, jobId: id });
    result.added.push(id);
  }
  return result;
}
