import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@meddiff/diffusion-core';
import { findRepoRoot } from '@meddiff/imaging/node';
import { pydicomFile, savedTinyModel } from './commands/testFiles';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsx = join(findRepoRoot(here)!, 'node_modules', '.bin', 'tsx');
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'med-cdiff-cli-'));
let model = '';

beforeAll(async () => {
  await selectBackend({ preferred: ['wasm'] });
  model = await savedTinyModel(join(tmp, 'sr-model'), 'super-resolution');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function medCDiff(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(tsx, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim());

describe('med-cdiff CLI', () => {
  it('run writes a derived DICOM series end to end', async () => {
    const out = join(tmp, 'sr');
    const r = await medCDiff('run', '--model', model, '--input', pydicomFile('MR_small.dcm'), '--factor', '2', '--sampler', 'ddim', '--steps', '2', '--out', out);
    expect(r.stderr).toMatch(/wrote 1 DICOM instance to .*Med-cDiff super-resolution x2 \(ddim, 2 steps, 1 sample\).*Research use only/);
    expect(r.status).toBe(0);
    expect(readdirSync(out)).toEqual(['result-0001.dcm']);
  });

  it('an untrained factor and another task\'s weights are one line on stderr and exit code 1', async () => {
    const input = pydicomFile('MR_small.dcm');
    const factor = await medCDiff('run', '--model', model, '--input', input, '--factor', '3', '--out', join(tmp, 'x3'));
    expect(factor.status).toBe(1);
    expect(lines(factor.stderr)).toEqual([expect.stringMatching(/^error \[UNSUPPORTED_REQUEST\]: These weights were trained for super-resolution by x2, x4, not x3\./)]);
    const task = await medCDiff('run', '--model', model, '--input', input, '--task', 'denoising', '--out', join(tmp, 'dn'));
    expect(task.status).toBe(1);
    expect(lines(task.stderr)).toEqual([expect.stringMatching(/^error \[UNSUPPORTED_REQUEST\]: denoise(Slices)? needs denoising weights, but the loaded weights are a super-resolution model/)]);
  });

  it('a missing input, a used run folder and a bad option value are one line each, exit code 1', async () => {
    const missing = await medCDiff('run', '--model', model, '--input', join(tmp, 'nope.dcm'), '--out', join(tmp, 'o'));
    expect(missing.status).toBe(1);
    expect(lines(missing.stderr)).toEqual([expect.stringMatching(/^error \[MISSING_DATA\]: .*nope\.dcm/)]);
    const run = join(tmp, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{}');
    const used = await medCDiff('train', '--task', 'denoising', '--out', run);
    expect(used.status).toBe(1);
    expect(lines(used.stderr)).toEqual([expect.stringMatching(/^error \[OUTPUT_EXISTS\]: .* is not empty \(it holds a run\)\. Pass --resume/)]);
    const bad = await medCDiff('train', '--task', 'colourising', '--out', join(tmp, 'r2'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/argument 'colourising' is invalid\. Allowed choices are super-resolution, denoising, inpainting/);
  });

  it('Ctrl-C in a terminal during `npm run cli -- train` (tsx) writes a checkpoint and stops cleanly', async () => {
    const out = join(tmp, 'interrupted');
    const repo = findRepoRoot(here)!;
    // As documented, through npm and tsx, in a process group of its own: a terminal's Ctrl-C signals the whole group.
    const child = spawn('npm', ['run', '-s', '-w', '@meddiff/med-cdiff', 'cli', '--', 'train', '--task', 'denoising', '--preset', 'tiny', '--data', 'open-64', '--out', out, '--steps', '1000', '--batch-size', '8', '--log-every', '1', '--checkpoint-every', '0', '--validate-every', '0'], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && / 3\/1000 /.test(stderr)) {
        signalled = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('close', (code, sig) => done([code, sig])));
    const stopped = /Training stopped at step (\d+); a checkpoint was written/.exec(stderr);
    expect(stopped, stderr.slice(-800)).not.toBeNull();
    // npm itself got the group's SIGINT too: it ends by that signal once the CLI has exited (130).
    expect([status, signal]).toContainEqual(status === null ? 'SIGINT' : 130);
    expect(stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    const index = JSON.parse(readFileSync(join(out, 'checkpoints', 'checkpoints.json'), 'utf8')) as { checkpoints: string[] };
    expect(index.checkpoints.at(-1)).toBe(`step-${stopped![1]!.padStart(8, '0')}`);
  });
});
