/**
 * Super-resolution x2 of a 217 x 181 slice (Colin27, middle axial) at 20 DPM-Solver++ steps on WASM
 * in Node, with the tiny model shipped in November 2026 (a copy in bench/fixtures, so the figure
 * stays comparable when the shipped models change): the pipeline's settings of then (128 px tiles,
 * twice the training size; 4 tiles per call; this thread) beside today's defaults in one thread and
 * on worker threads over every core (`workerChunkSampler`, as the CLI runs), each in a process of its own
 * (wall time of the call, GFLOP/s from one step's count x 20, and peak resident memory). Usage: npx tsx bench/superResolution.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const model = join(here, 'fixtures', 'sr-tiny-2026-11');
const runs = process.argv.includes('--quick') ? 1 : 3;
const cores = availableParallelism();
const configurations: Array<{ name: string; args: string[] }> = [
  { name: 'November 2026 (one thread, 128 px tiles, 4 per call)', args: ['0', '128', '4'] },
  { name: 'defaults now, one thread (training-size tiles)', args: ['0'] },
  { name: `defaults now, ${cores} worker threads (as the CLI runs)`, args: [String(cores)] },
];

const rows: Array<Record<string, string | number>> = [];
for (const c of configurations) {
  const measured = Array.from({ length: runs }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'superResolutionRun.ts'), model, '20', ...c.args], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number };
  });
  const ms = measured.map((m) => m.ms).sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  // The work: one step's convolutions and matrix products (counted in one thread with the same tiling) x 20.
  const tiling = c.args.slice(1);
  const count = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'superResolutionRun.ts'), model, '1', '0', ...tiling, '--flops'], { encoding: 'utf8' });
  const flops = 20 * (JSON.parse(count.trim().split('\n').at(-1)!) as { flopsPerStep: number }).flopsPerStep;
  rows.push({ configuration: c.name, 'median s': +(ms / 1000).toFixed(1), GFLOP: +(flops / 1e9).toFixed(1), 'GFLOP/s': +(flops / ms / 1e6).toFixed(1), 'peak RSS MB': Math.round(Math.max(...measured.map((m) => m.maxRssMb))) });
}
const baseline = rows[0]!['median s'] as number;
for (const r of rows) r['speed-up'] = +(baseline / (r['median s'] as number)).toFixed(2);
console.log(`\nSuper-resolution x2, 217 x 181 -> 434 x 362, 20 DPM-Solver++ steps, WASM, median of ${runs}:`);
console.table(rows);
const file = join(here, 'results', 'super-resolution.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
console.log(`wrote ${file}`);
