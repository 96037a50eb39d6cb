import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, selectBackend } from '@meddiff/diffusion-core';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { medCDiffConfig } from '../config';
import { MedCDiffModel, RESEARCH_USE } from '../model';
import { openSlices } from '../testing';
import { createMedCDiffTrainer } from '../train/trainMedCDiff';
import { NothingToResumeError, OutputExistsError, UsageError } from './errors';
import { train } from './train';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));
const tmp = mkdtempSync(join(tmpdir(), 'med-cdiff-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = { task: 'denoising' as const, preset: 'tiny' as const, data: 'open-64', batchSize: 2, checkpointEvery: 1, logEvery: 1, validateEvery: 0 };

describe('train', () => {
  it('trains a few steps, resumes from the checkpoint to train longer, and refuses to start over a run', async () => {
    const out = join(tmp, 'run');
    const lines: string[] = [];
    // diffusion-core's AdamW and EMA keep the initial value of each state variable after dispose (reported);
    // train must leave nothing beyond what constructing and disposing a bare trainer leaves.
    let before = tf.memory().numTensors;
    const bare = MedCDiffModel.create(medCDiffConfig('denoising', 'tiny', { imageSize: 64 }));
    await createMedCDiffTrainer({ model: bare, train: openSlices('val'), batchSize: 2 }).dispose();
    bare.dispose();
    const trainerOwn = tf.memory().numTensors - before;
    before = tf.memory().numTensors;
    const first = await train({ ...base, out, steps: 2, log: (l) => lines.push(l) });
    expect(tf.memory().numTensors - before).toBe(trainerOwn);
    before = tf.memory().numTensors;
    expect([first.startStep, first.endStep, first.resumedFrom]).toEqual([0, 2, null]);
    expect(Number.isFinite(first.validationLoss)).toBe(true);
    expect(readdirSync(join(out, 'checkpoints')).length).toBeGreaterThan(0);
    const firstModel = await MedCDiffModel.load(fileWeightsStore(first.modelDir));
    expect(firstModel.card!.trainingSteps).toBe(2);
    firstModel.dispose();

    await expect(train({ ...base, out, steps: 4 })).rejects.toBeInstanceOf(OutputExistsError);
    await expect(train({ ...base, out, steps: 4, resume: true, task: 'inpainting' })).rejects.toThrow(/--task inpainting \(the run has denoising\)/);

    const logs: number[] = [];
    const second = await train({ out, steps: 4, resume: true, log: (l) => lines.push(l), onLog: (l) => logs.push(l.step) });
    expect([second.startStep, second.endStep]).toEqual([2, 4]);
    expect(second.resumedFrom).toMatch(/step/);
    expect(logs).toEqual([3, 4]);
    expect(lines.some((l) => l.startsWith(`resumed ${out} at step 2`))).toBe(true);

    const model = await MedCDiffModel.load(fileWeightsStore(second.modelDir));
    const card = model.card!;
    expect(model.config.task).toBe('denoising');
    expect(model.config.imageSize).toBe(64);
    expect(card.trainingSteps).toBe(4);
    expect(card.intendedUse).toBe(RESEARCH_USE);
    expect(card.trainedOn).toMatch(/^open-64 \(158 slices of .*licences .*BSD/);
    const dataset = card.dataset as { name: string; sources: Array<{ provenance: Array<{ licence: string; package?: string }> }> };
    expect(dataset.name).toBe('open-64');
    expect(dataset.sources.flatMap((s) => s.provenance.map((p) => p.package))).toContain('mricron-data');
    model.dispose();
    expect(tf.memory().numTensors - before).toBe(trainerOwn);
  });

  it('stops on its signal after writing a checkpoint that a resumed run continues from', async () => {
    const out = join(tmp, 'abort');
    const controller = new AbortController();
    const run = train({ ...base, out, steps: 5, onLog: (l) => l.step === 2 && controller.abort(), signal: controller.signal });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await expect(run).rejects.toThrow(/stopped at step 2; a checkpoint was written/);
    expect(existsSync(join(out, 'model'))).toBe(false);
    const resumed = await train({ out, steps: 3, resume: true });
    expect([resumed.startStep, resumed.endStep]).toEqual([2, 3]);
  });

  it('trains the same model on one worker thread or three (super-resolution: per-row degradations and draws)', async () => {
    // One starting point for both (a new network's initial weights are not seeded).
    const start = await train({ ...base, task: 'super-resolution', out: join(tmp, 'workers-start'), steps: 1, checkpointEvery: 0 });
    const weights = async (workers: number) => {
      const run = await train({ ...base, task: undefined, preset: undefined, init: start.modelDir, batchSize: 4, out: join(tmp, `workers-${workers}`), steps: 2, checkpointEvery: 0, workers });
      const model = await MedCDiffModel.load(fileWeightsStore(run.modelDir));
      const values = await Promise.all(model.unet.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
      model.dispose();
      return values;
    };
    const [one, three] = [await weights(1), await weights(3)];
    const difference = Math.max(...one.map((w, i) => w.reduce((m, v, j) => Math.max(m, Math.abs(v - three[i]![j]!)), 0)));
    expect(difference).toBeLessThan(1e-5);
  });

  it('says what is missing or wrong before touching anything', async () => {
    await expect(train({ out: join(tmp, 'nothing'), resume: true })).rejects.toBeInstanceOf(NothingToResumeError);
    await expect(train({ ...base, out: join(tmp, 'x'), task: undefined })).rejects.toThrow(/--task is required/);
    await expect(train({ ...base, out: join(tmp, 'x'), task: 'colourising' as never })).rejects.toBeInstanceOf(UsageError);
    await expect(train({ ...base, out: join(tmp, 'x'), steps: 0 })).rejects.toThrow(/--steps must be an integer >= 1/);
    await expect(train({ ...base, out: join(tmp, 'x'), data: join(tmp, 'no-such-dataset') })).rejects.toThrow(/MISSING|missing/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
    const users = join(tmp, 'users-folder');
    mkdirSync(users);
    writeFileSync(join(users, 'notes.txt'), 'mine');
    await expect(train({ ...base, out: users, steps: 1 })).rejects.toThrow(/not empty/);
    expect(readFileSync(join(users, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
