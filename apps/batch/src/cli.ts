#!/usr/bin/env node
import { Command, Option } from 'commander';
import { Queue } from 'bullmq';
import pkg from '../package.json' with { type: 'json' };
import { integerOption, listOption, positiveOption, runCommandLine } from '@meddiff/imaging/node';
import { DicomwebClient, type DicomwebOptions } from './dicomweb/dicomwebClient.js';
import { findSeries } from './job/findSeries.js';
import { BATCH_TASKS, type BatchTask, type SeriesJob } from './job/seriesJob.js';
import { startBatchWorker } from './queue/batchWorker.js';
import { deadLetterQueueName, DEFAULT_QUEUE, redisConnection, submitJobs } from './queue/queues.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const env = process.env;

const redisOption = () => new Option('--redis <url>', 'Redis URL (env MEDDIFF_REDIS_URL)').default(env.MEDDIFF_REDIS_URL ?? 'redis://127.0.0.1:6379');
const queueOption = () => new Option('--queue <name>', 'queue name (env MEDDIFF_QUEUE)').default(env.MEDDIFF_QUEUE ?? DEFAULT_QUEUE);
const dicomwebOption = () => new Option('--dicomweb <url>', 'DICOMweb service root, e.g. http://127.0.0.1:8042/dicom-web (env MEDDIFF_DICOMWEB_URL)').default(env.MEDDIFF_DICOMWEB_URL);
class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
}

/** The Authorization header comes only from the environment: a token on a command line shows in `ps`. */
function dicomwebOptions(url: string | undefined): DicomwebOptions {
  if (!url) throw new UsageError('Give --dicomweb (or MEDDIFF_DICOMWEB_URL).');
  return { url, ...(env.MEDDIFF_DICOMWEB_AUTHORIZATION ? { authorization: env.MEDDIFF_DICOMWEB_AUTHORIZATION } : {}) };
}

const program = new Command();
program.name('meddiff-batch').version(pkg.version).description('Med-cDiff on whole series from a DICOMweb archive, on a BullMQ queue shared by any number of workers. Research use only.').showHelpAfterError();

program
  .command('submit')
  .description('add one job per image series of the given studies (or of the studies a QIDO query finds); a request already queued is not added twice')
  .addOption(dicomwebOption())
  .option('--studies <uids>', 'Study Instance UIDs, comma-separated', listOption)
  .option('--query <qido>', "a QIDO-RS study query, e.g. 'PatientID=P1&StudyDate=20260101-20261231'")
  .option('--modalities <list>', 'only series of these modalities, e.g. MR,CT', listOption)
  .addOption(new Option('--task <task>', 'what to do to each series').choices(BATCH_TASKS).makeOptionMandatory())
  .requiredOption('--model <name>', "a model folder's name under the workers' --models folder")
  .option('--factor <n>', 'super-resolution factor (default the model\'s)', positiveOption)
  .option('--steps <n>', 'sampler steps (default the pipeline\'s)', integerOption(1))
  .option('--samples <n>', 'samples per slice; more than one adds a standard-deviation series', integerOption(1))
  .option('--seed <n>', 'seed', integerOption(0))
  .addOption(redisOption())
  .addOption(queueOption())
  .action(async (o: { dicomweb?: string; studies?: string[]; query?: string; modalities?: string[]; task: BatchTask; model: string; factor?: number; steps?: number; samples?: number; seed?: number; redis: string; queue: string }) => {
    if (!o.studies?.length && !o.query) throw new UsageError('Give --studies or --query.');
    const found = await findSeries(new DicomwebClient(dicomwebOptions(o.dicomweb)), { ...(o.studies ? { studies: o.studies } : {}), ...(o.query ? { query: Object.fromEntries(new URLSearchParams(o.query)) } : {}), ...(o.modalities ? { modalities: o.modalities } : {}) });
    const jobs: SeriesJob[] = found.map((s) => ({ study: s.study, series: s.series, task: o.task, model: o.model, ...(o.factor !== undefined ? { factor: o.factor } : {}), ...(o.steps !== undefined ? { steps: o.steps } : {}), ...(o.samples !== undefined ? { samples: o.samples } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) }));
    const connection = redisConnection(o.redis);
    const queue = new Queue(o.queue, { connection });
    try {
      const r = await submitJobs(queue, jobs);
      log(`${found.length} series found: ${r.added.length} jobs added, ${r.existing.length} already queued or done`);
      for (const id of r.added) process.stdout.write(`${id}\n`);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

program
  .command('worker')
  .description('take jobs from the queue until SIGTERM or Ctrl-C, which let the current job finish')
  .addOption(dicomwebOption())
  .addOption(new Option('--models <dir>', 'folder of model folders (env MEDDIFF_MODELS_DIR)').default(env.MEDDIFF_MODELS_DIR))
  .option('--threads <n>', 'sampling threads of this worker', integerOption(1), 1)
  .option('--lock-ms <ms>', 'how long a job stays taken without a sign of life from its worker', integerOption(1000), 30_000)
  .addOption(redisOption())
  .addOption(queueOption())
  .action(async (o: { dicomweb?: string; models?: string; threads: number; lockMs: number; redis: string; queue: string }) => {
    if (!o.models) throw new UsageError('Give --models (or MEDDIFF_MODELS_DIR).');
    const running = await startBatchWorker({ redisUrl: o.redis, queue: o.queue, dicomweb: dicomwebOptions(o.dicomweb), modelsDir: o.models, threads: o.threads, lockDurationMs: o.lockMs, stalledIntervalMs: o.lockMs, log });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log(`${signal}: finishing the current job, then stopping`);
        void running.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });

program
  .command('status')
  .description('job counts of the queue and its dead-letter queue')
  .addOption(redisOption())
  .addOption(queueOption())
  .action(async (o: { redis: string; queue: string }) => {
    const connection = redisConnection(o.redis);
    const queues = [new Queue(o.queue, { connection }), new Queue(deadLetterQueueName(o.queue), { connection })];
    try {
      for (const q of queues) process.stdout.write(`${q.name}: ${JSON.stringify(await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'))}\n`);
    } finally {
      for (const q of queues) await q.close();
      connection.disconnect();
    }
  });

runCommandLine(program, log);
