import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, TrainingDivergedError } from '../errors';
import { fileWeightsStore } from '../io/fileWeightsStore';
import { memoryWeightsStore } from '../io/weightsStore';
import { denoisingTask, RESUME_TASK } from '../testing/denoisingTask';
import { Trainer, type TrainingLog } from './trainer';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

async function weightsOf(trainer: { withEmaWeights: Trainer<tf.Tensor>['withEmaWeights'] }, model: { getWeights(): tf.Tensor[] }): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

function expectSameWeights(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
}

async function uninterrupted(): Promise<Float32Array[]> {
  const task = denoisingTask(RESUME_TASK);
  const trainer = new Trainer(task.trainerOptions);
  await trainer.run();
  const w = await weightsOf(trainer, task.unet.model);
  trainer.dispose();
  task.dispose();
  return w;
}

describe('Trainer', () => {
  it('leaves no tensor behind from construction to disposal (optimiser moments, EMA shadows)', async () => {
    const task = denoisingTask(RESUME_TASK);
    const before = tf.memory().numTensors;
    const trainer = new Trainer({ ...task.trainerOptions, config: { ...RESUME_TASK.config, steps: 2, checkpointEvery: 0 } });
    await trainer.run();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    task.dispose();
  });

  it('learns a conditional denoising task on real MRI patches (wasm, with its gradient kernels)', async () => {
    const task = denoisingTask({ patch: 32, batchSize: 8, seed: 1, config: { steps: 60, logEvery: 1, checkpointEvery: 0, learningRate: { peak: 2e-3, warmupSteps: 10, decay: 'constant', totalSteps: 60, minimum: 0 } } });
    const logs: TrainingLog[] = [];
    const trainer = new Trainer({ ...task.trainerOptions, onLog: (l) => logs.push(l) });
    const before = tf.memory().numTensors;
    await trainer.run();
    expect(tf.memory().numTensors).toBe(before);
    const mean = (xs: TrainingLog[]) => xs.reduce((a, l) => a + l.loss, 0) / xs.length;
    const first = mean(logs.slice(0, 10));
    const last = mean(logs.slice(-10));
    expect(logs).toHaveLength(60);
    expect(last).toBeLessThan(0.6 * first);
    expect(logs.at(-1)!.imagesPerSecond).toBeGreaterThan(0);
    expect(logs[4]!.learningRate).toBeCloseTo(1e-3, 10);
    console.log(`denoising task: mean loss of the first 10 steps ${first.toFixed(4)}, of the last 10 ${last.toFixed(4)}`);
    trainer.dispose();
    task.dispose();
  });

  it('resumes exactly: stopped at step 3 and resumed, it ends with the uninterrupted run\'s weights', async () => {
    const expected = await uninterrupted();
    const store = memoryWeightsStore();
    const first = denoisingTask(RESUME_TASK);
    const controller = new AbortController();
    const t1 = new Trainer({ ...first.trainerOptions, checkpoints: store, onLog: (l) => l.step === 3 && controller.abort() });
    await expect(t1.run({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    t1.dispose();
    first.dispose();
    const second = denoisingTask({ ...RESUME_TASK, seed: RESUME_TASK.seed });
    const t2 = new Trainer({ ...second.trainerOptions, checkpoints: store });
    expect(await t2.resume()).toBe(3);
    const summary = await t2.run();
    expect(summary.resumedFrom).toBe('step-00000003');
    expectSameWeights(await weightsOf(t2, second.unet.model), expected);
    t2.dispose();
    second.dispose();
  });

  it('survives kill -9: a killed process resumes from its last checkpoint to the same weights', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meddiff-kill-'));
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../testing/trainResumeChild.ts'), dir], { cwd: join(here, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (String(d).includes('step 3')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (code === 0 || code === null ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(dir, 'checkpoints.json'))).toBe(true);
    const index = JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8')) as { checkpoints: string[] };
    const killedAt = Number(index.checkpoints.at(-1)!.slice(5));
    expect(killedAt).toBeGreaterThanOrEqual(3);
    expect(killedAt).toBeLessThan(RESUME_TASK.config.steps);

    const task = denoisingTask(RESUME_TASK);
    const trainer = new Trainer({ ...task.trainerOptions, checkpoints: fileWeightsStore(dir) });
    expect(await trainer.resume()).toBe(killedAt);
    await trainer.run();
    expectSameWeights(await weightsOf(trainer, task.unet.model), await uninterrupted());
    trainer.dispose();
    task.dispose();
  });

  it('falls back to the previous checkpoint, with a warning, when the latest is corrupt', async () => {
    const store = memoryWeightsStore();
    const task = denoisingTask(RESUME_TASK);
    const t1 = new Trainer({ ...task.trainerOptions, checkpoints: store, config: { ...RESUME_TASK.config, steps: 4 } });
    await t1.run();
    t1.dispose();
    const tensors = store.files.get('step-00000004/tensors.bin')!;
    store.files.set('step-00000004/tensors.bin', tensors.slice(0, 100));
    const warnings: string[] = [];
    const t2 = new Trainer({ ...task.trainerOptions, checkpoints: store, config: { ...RESUME_TASK.config, steps: 4 }, warn: (m) => warnings.push(m) });
    expect(await t2.resume()).toBe(3);
    expect(warnings[0]).toMatch(/Resuming from memory\/step-00000003: .*step-00000004\/tensors.bin fails its integrity check/);
    t2.dispose();
    task.dispose();
  });

  it('refuses a checkpoint of another configuration and names the field', async () => {
    const store = memoryWeightsStore();
    const task = denoisingTask(RESUME_TASK);
    const t1 = new Trainer({ ...task.trainerOptions, checkpoints: store, config: { ...RESUME_TASK.config, steps: 1 } });
    await t1.run();
    t1.dispose();
    const t2 = new Trainer({ ...task.trainerOptions, checkpoints: store, config: { ...RESUME_TASK.config, steps: 2, gradientClipNorm: 5 } });
    await expect(t2.resume()).rejects.toBeInstanceOf(ConfigError);
    await expect(t2.resume()).rejects.toThrow(/trainer gradientClipNorm: 1 -> 5/);
    const t3 = new Trainer({ ...task.trainerOptions, modelConfig: { ...task.unet.config, dropout: 0.5 }, checkpoints: store, config: { ...RESUME_TASK.config, steps: 2 } });
    await expect(t3.resume()).rejects.toThrow(/model dropout: 0 -> 0.5/);
    t2.dispose();
    t3.dispose();
    task.dispose();
  });

  it('stops on a NaN loss, names the step and batch, and keeps the weights and last checkpoint', async () => {
    const store = memoryWeightsStore();
    const task = denoisingTask(RESUME_TASK);
    const loss = task.trainerOptions.loss;
    const trainer = new Trainer({
      ...task.trainerOptions,
      checkpoints: store,
      loss: (batch, ctx) => (ctx.step === 2 ? tf.tidy(() => tf.mul(loss(batch, ctx), Number.NaN) as tf.Scalar) : loss(batch, ctx)),
    });
    const before = tf.memory().numTensors;
    const error = await trainer.run().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).step).toBe(2);
    expect((error as Error).message).toMatch(/diverged at step 2 \(epoch 0, items \d+, \d+, \d+, \d+\): loss NaN/);
    expect(JSON.parse(new TextDecoder().decode(store.files.get('checkpoints.json')!)).checkpoints.at(-1)).toBe('step-00000002');
    expect(trainer.step).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    task.dispose();
  });
});
