/**
 * Series per minute of the batch service with 1 and 2 worker processes, on this machine, against a
 * real Orthanc and Redis: the same jobs (Med-cDiff denoising, the viewer's tiny model) over series
 * cut from the Colin27 sample study. Workers are started and ready before the jobs are submitted,
 * so the figure is steady-state throughput, model loading excluded.
 *
 *   npm run -w @meddiff/batch bench [-- --series 8 --slices 4 --size 128 --steps 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { freePort, startOrthanc } from '@meddiff/imaging/node';
import { DicomwebClient } from '../src/dicomweb/dicomwebClient.js';
import { redisConnection, submitJobs } from '../src/queue/queues.js';
import { cutTestSeries, MODELS_DIR } from '../src/testing/archive.js';
import { startCli } from '../src/testing/processes.js';
import { startRedis } from '../src/testing/redisServer.js';

const { values } = parseArgs({ options: { series: { type: 'string', default: '8' }, slices: { type: 'string', default: '4' }, size: { type: 'string', default: '128' }, steps: { type: 'string', default: '10' } } });
const [count, slices, size, steps] = [values.series, values.slices, values.size, values.steps].map(Number) as [number, number, number, number];
const MODEL = 'med-cdiff-denoising-tiny';

const tmp = mkdtempSync(join(tmpdir(), 'meddiff-batch-bench-'));
const redis = await startRedis(join(tmp, 'redis'), await freePort());
const orthanc = await startOrthanc({ dir: join(tmp, 'orthanc'), httpPort: await freePort() });
try {
  const dicomweb = new DicomwebClient({ url: `${orthanc.url}/dicom-web` });
  const cut = await cutTestSeries(count, { slices, size, studies: 1, tag: 'batch-bench' });
  await dicomweb.store(cut.series[0]!.study, cut.files);
  console.log(`\nbatch throughput: ${MODEL}, ${steps} DPM-Solver steps, series of ${slices} slices of ${size} x ${size} px, one sampling thread per worker\n`);
  console.log('| workers | series | seconds | series per minute |\n|---|---|---|---|');
  for (const workers of [1, 2]) {
    const name = `bench-${workers}`;
    const procs = Array.from({ length: workers }, () => startCli(['worker', '--dicomweb', `${orthanc.url}/dicom-web`, '--redis', redis.url, '--queue', name, '--models', MODELS_DIR]));
    await Promise.all(procs.map((p) => p.waitFor(/takes jobs from/)));
    const connection = redisConnection(redis.url);
    const queue = new Queue(name, { connection });
    const started = performance.now();
    // A seed per worker count: other jobs, other derived series.
    await submitJobs(queue, cut.series.map((s) => ({ study: s.study, series: s.series, task: 'denoising' as const, model: MODEL, steps, seed: workers })));
    while (((await queue.getJobCounts('completed')).completed ?? 0) < count) await new Promise((r) => setTimeout(r, 200));
    const seconds = (performance.now() - started) / 1000;
    console.log(`| ${workers} | ${count} | ${seconds.toFixed(1)} | ${((count / seconds) * 60).toFixed(2)} |`);
    await queue.close();
    connection.disconnect();
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
  }
} finally {
  await orthanc.stop();
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
