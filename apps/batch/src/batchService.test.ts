import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents } from 'bullmq';
import { parseDicom } from '@meddiff/imaging';
import { dciodvfy, startOrthanc, freePort, type RunningOrthanc } from '@meddiff/imaging/node';
import { DicomwebClient } from './dicomweb/dicomwebClient.js';
import { jobIdFor } from './job/seriesJob.js';
import { deadLetterQueueName, redisConnection, submitJobs } from './queue/queues.js';
import { cutTestSeries, MODELS_DIR, seriesOf, type TestSeries } from './testing/archive.js';
import { runCli, startCli, type CliProcess } from './testing/processes.js';
import { startRedis, type RunningRedis } from './testing/redisServer.js';

const MODEL = 'med-cdiff-denoising-tiny';
const tmp = mkdtempSync(join(tmpdir(), 'meddiff-batch-test-'));
let redis: RunningRedis;
let orthanc: RunningOrthanc;
let dicomweb: DicomwebClient;
let series: TestSeries[];
const running: CliProcess[] = [];

beforeAll(async () => {
  redis = await startRedis(join(tmp, 'redis'), await freePort());
  orthanc = await startOrthanc({ dir: join(tmp, 'orthanc'), httpPort: await freePort() });
  dicomweb = new DicomwebClient({ url: `${orthanc.url}/dicom-web` });
  // A dozen series of 3 slices in 3 studies, stored as any modality would store them.
  const cut = await cutTestSeries(12, { slices: 3, size: 64, studies: 3, tag: 'batch-test' });
  series = cut.series;
  for (const s of new Set(series.map((x) => x.study))) {
    await dicomweb.store(s, cut.files.filter((_, i) => series[Math.floor(i / 3)]!.study === s));
  }
}, 120_000);

afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await orthanc?.stop();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function worker(queue: string, extra: string[] = []): CliProcess {
  const p = startCli(['worker', '--dicomweb', `${orthanc.url}/dicom-web`, '--redis', redis.url, '--queue', queue, '--models', MODELS_DIR, '--lock-ms', '3000', ...extra]);
  running.push(p);
  return p;
}

async function stopWorker(p: CliProcess): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}

async function waitForCounts(queue: Queue, done: (c: Record<string, number>) => boolean, timeoutMs = 240_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    if (done(c)) return c;
    if (Date.now() > deadline) throw new Error(`queue ${queue.name} did not finish in time: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Derived series (their descriptions start with the research label) of every test study. */
async function derivedSeries(): Promise<Array<{ series: string; instances: number }>> {
  const out = [];
  for (const study of new Set(series.map((s) => s.study))) out.push(...(await seriesOf(dicomweb, study)).filter((s) => s.description.startsWith('RESEARCH ONLY')));
  return out;
}

function openQueue(name: string): { queue: Queue; close(): Promise<void> } {
  const connection = redisConnection(redis.url);
  const queue = new Queue(name, { connection });
  return { queue, close: async () => (await queue.close(), connection.disconnect()) };
}

describe('the batch service, against a real Orthanc and a real Redis', () => {
  it('two workers share a dozen series: one derived series per job, progress reported, and submitting again adds nothing', async () => {
    const name = 'dozen';
    const studies = [...new Set(series.map((s) => s.study))].join(',');
    const submit = ['submit', '--dicomweb', `${orthanc.url}/dicom-web`, '--redis', redis.url, '--queue', name, '--studies', studies, '--task', 'denoising', '--model', MODEL, '--steps', '2'];
    const first = await runCli(submit);
    expect(first.stdout).toHaveLength(12);

    const { queue, close } = openQueue(name);
    const eventsConnection = redisConnection(redis.url);
    const events = new QueueEvents(name, { connection: eventsConnection });
    const stages = new Set<string>();
    let sawEta = false;
    events.on('progress', ({ data }) => {
      const p = data as { stage?: string; etaMs?: number };
      if (p.stage) stages.add(p.stage);
      if (typeof p.etaMs === 'number') sawEta = true;
    });
    try {
      const [a, b] = [worker(name), worker(name)];
      await waitForCounts(queue, (c) => c.completed === 12);
      const jobs = await queue.getJobs(['completed']);
      const derived = await derivedSeries();
      expect(derived).toHaveLength(12);
      expect(derived.every((d) => d.instances === 3)).toBe(true);
      expect(new Set(jobs.map((j) => (j.returnvalue as { seriesInstanceUID: string }).seriesInstanceUID))).toEqual(new Set(derived.map((d) => d.series)));
      // Valid DICOM, each slice referencing its source instance.
      for (const job of jobs) {
        const derivedUid = (job.returnvalue as { seriesInstanceUID: string }).seriesInstanceUID;
        const instances = await dicomweb.retrieveSeries(job.data.study, derivedUid);
        const sources = new Set((await dicomweb.retrieveSeries(job.data.study, job.data.series)).map((b) => String(parseDicom(b).dataset['SOPInstanceUID'])));
        for (const bytes of instances) {
          expect(dciodvfy(bytes).errors).toEqual([]);
          const refs = parseDicom(bytes).dataset['SourceImageSequence'] as Array<Record<string, unknown>>;
          expect(sources.has(String(refs[0]!['ReferencedSOPInstanceUID']))).toBe(true);
        }
      }
      // Both workers took jobs.
      for (const w of [a, b]) expect(w.lines.filter((l) => /stored 3 instances/.test(l)).length).toBeGreaterThan(0);
      expect(stages).toEqual(new Set(['retrieving', 'sampling', 'storing']));
      expect(sawEta).toBe(true);

      const again = await runCli(submit);
      expect(again.stdout).toHaveLength(0);
      expect(again.lines.join('\n')).toMatch(/0 jobs added, 12 already queued or done/);
      expect(await Promise.all([stopWorker(a), stopWorker(b)])).toEqual([0, 0]);
    } finally {
      await events.close();
      eventsConnection.disconnect();
      await close();
    }
  });

  it('submits the image series of the studies a QIDO query finds, and not the series the project derived', async () => {
    const r = await runCli(['submit', '--dicomweb', `${orthanc.url}/dicom-web`, '--redis', redis.url, '--queue', 'query', '--query', 'PatientID=BATCH-0', '--modalities', 'MR', '--task', 'denoising', '--model', MODEL]);
    // Study 0 holds series 0, 3, 6 and 9, and by now their derived series, which are left out.
    const expected = [0, 3, 6, 9].map((i) => jobIdFor({ study: series[i]!.study, series: series[i]!.series, task: 'denoising', model: MODEL }));
    expect(r.stdout.sort()).toEqual(expected.sort());
  });

  it('a worker killed mid-job: another worker takes its job, and each job ends with exactly one derived series', async () => {
    const name = 'killed';
    const { queue, close } = openQueue(name);
    try {
      const before = (await derivedSeries()).length;
      const jobs = series.slice(0, 4).map((s) => ({ study: s.study, series: s.series, task: 'denoising' as const, model: MODEL, steps: 8, seed: 1 }));
      await submitJobs(queue, jobs);
      const a = worker(name);
      const started = await a.waitFor(/^job [0-9a-f]+: denoising/);
      a.child.kill('SIGKILL');
      await a.exited;
      const killedJob = /^job ([0-9a-f]+)/.exec(started)![1]!;
      expect(a.lines.some((l) => l.includes(`job ${killedJob}: stored`))).toBe(false);

      const b = worker(name);
      await waitForCounts(queue, (c) => c.completed === 4);
      expect(b.lines.some((l) => l.startsWith(`job ${killedJob}: stored`) || l.startsWith(`job ${killedJob}: already stored`))).toBe(true);
      const derived = await derivedSeries();
      expect(derived.length - before).toBe(4);
      expect(derived.every((d) => d.instances === 3)).toBe(true);
      expect(await stopWorker(b)).toBe(0);
    } finally {
      await close();
    }
  });

  it('Redis restarted mid-run: no job is lost', async () => {
    const name = 'restart';
    const { queue, close } = openQueue(name);
    try {
      const before = (await derivedSeries()).length;
      const jobs = series.slice(4, 10).map((s) => ({ study: s.study, series: s.series, task: 'denoising' as const, model: MODEL, steps: 4, seed: 2 }));
      const ids = (await submitJobs(queue, jobs)).added;
      expect(ids).toHaveLength(6);
      const w = worker(name);
      await w.waitFor(/stored 3 instances/);
      await redis.restart();
      await waitForCounts(queue, (c) => c.completed === 6);
      for (const id of ids) expect(await queue.getJobState(id)).toBe('completed');
      expect((await derivedSeries()).length - before).toBe(6);
      expect(await stopWorker(w)).toBe(0);
    } finally {
      await close();
    }
  });

  it('a job that cannot succeed goes to the dead-letter queue at once, with its reason; SIGTERM lets the current job finish', async () => {
    const name = 'dead';
    const { queue, close } = openQueue(name);
    const dead = openQueue(deadLetterQueueName(name));
    try {
      const s = series[10]!;
      const missing = { study: s.study, series: '2.25.1', task: 'denoising' as const, model: MODEL };
      const unknownModel = { study: s.study, series: s.series, task: 'denoising' as const, model: 'no-such-model' };
      await submitJobs(queue, [missing, unknownModel]);
      const w = worker(name);
      await waitForCounts(queue, (c) => c.failed === 2);
      const letters = await dead.queue.getJobs(['waiting']);
      expect(letters.map((l) => l.id).sort()).toEqual([jobIdFor(missing), jobIdFor(unknownModel)].sort());
      for (const l of letters) expect(l.data.attemptsMade).toBe(1);
      expect(letters.find((l) => l.id === jobIdFor(missing))!.data.failedReason).toMatch(/Series 2\.25\.1 is not in study/);
      expect(letters.find((l) => l.id === jobIdFor(unknownModel))!.data.failedReason).toMatch(/no model 'no-such-model'/);

      const slow = { study: s.study, series: s.series, task: 'denoising' as const, model: MODEL, steps: 16, seed: 3 };
      await submitJobs(queue, [slow]);
      await w.waitFor(new RegExp(`^job ${jobIdFor(slow)}: denoising`));
      expect(await stopWorker(w)).toBe(0);
      expect(await queue.getJobState(jobIdFor(slow))).toBe('completed');
    } finally {
      await close();
      await dead.close();
    }
  });
});
