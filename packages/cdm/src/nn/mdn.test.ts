import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ArrayBatchSource, diffusionLoss, selectBackend, Trainer } from '@meddiff/diffusion-core';
import { CDM_NOISE_SCHEDULE } from '../config';
import { seededRandom } from '../simulate/random';
import { ModalityDecoupledDiffusion } from './mdn';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

const DIM = 8;

function standardize(v: number[]): number[] {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  const s = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
  return v.map((x) => (x - m) / s);
}

const random = seededRandom(21);
const A = standardize(Array.from({ length: DIM }, () => random.normal()));
const B = standardize(Array.from({ length: DIM }, () => random.normal()));
const cosine = (u: number[], v: number[]) => u.reduce((a, x, i) => a + x * v[i]!, 0) / DIM;

/** A two-mode distribution of standardised vectors: 70 % near A, 30 % near B; the condition says which. */
function toyData(count: number): { items: Float32Array; modes: number[]; spread: number } {
  const items = new Float32Array(count * (DIM + 2));
  const modes: number[] = [];
  let spread = 0;
  for (let i = 0; i < count; i++) {
    const mode = random.uniform() < 0.7 ? 0 : 1;
    modes.push(mode);
    const v = standardize((mode === 0 ? A : B).map((x) => x + 0.15 * random.normal()));
    items.set(v, i * (DIM + 2));
    items[i * (DIM + 2) + DIM + mode] = 1;
    spread += (1 - Math.max(cosine(v, A), cosine(v, B))) / count;
  }
  return { items, modes, spread };
}

async function train(mdn: ModalityDecoupledDiffusion, items: Float32Array, conditioned: boolean, steps: number): Promise<void> {
  const scheduleTensors = mdn.schedule.upload();
  const trainer = new Trainer<tf.Tensor>({
    model: mdn.model,
    modelConfig: {},
    batchSize: 64,
    data: new ArrayBatchSource({ data: items, itemShape: [DIM + 2] }, 64, 1),
    loss: (batch, { seed }) =>
      tf.tidy(() => {
        const b = batch.shape[0]!;
        const x0 = tf.slice(batch, [0, 0], [b, DIM]);
        const c = conditioned ? (tf.slice(batch, [0, DIM], [b, 2]) as tf.Tensor2D) : undefined;
        return diffusionLoss(x0, (xt, t) => mdn.predict(xt, t, c, true), { schedule: mdn.schedule, scheduleTensors, predictionType: 'x0', loss: 'mse', seed });
      }),
    config: { steps, seed: 3, logEvery: steps, checkpointEvery: 0, learningRate: { peak: 3e-3, warmupSteps: 20, decay: 'cosine', totalSteps: steps, minimum: 3e-4 }, ema: null },
  });
  await trainer.run();
  trainer.dispose();
  tf.dispose(Object.values(scheduleTensors));
}

describe('MDN', () => {
  it('starts at x0 = 0 (zero-initialised output layer), or at the Gaussian posterior mean with the skip, and samples standardised vectors', async () => {
    const plain = ModalityDecoupledDiffusion.create({ dataDim: DIM, conditionDim: 0, hiddenDim: 32, numBlocks: 2, timeEmbeddingDim: 16, noiseSchedule: { ...CDM_NOISE_SCHEDULE }, groups: 1, gaussianSkip: false });
    const x = tf.randomNormal([3, DIM]);
    const zero = plain.predict(x, 500);
    expect((await tf.max(tf.abs(zero)).data())[0]).toBe(0);
    plain.dispose();
    const mdn = ModalityDecoupledDiffusion.create({ dataDim: DIM, conditionDim: 0, hiddenDim: 32, numBlocks: 2, timeEmbeddingDim: 16, noiseSchedule: { ...CDM_NOISE_SCHEDULE }, groups: 1, gaussianSkip: true });
    const p = mdn.predict(x, 500);
    const expected = tf.mul(x, mdn.schedule.sqrtAlphasCumprod[500]!);
    expect((await tf.max(tf.abs(tf.sub(p, expected))).data())[0]).toBeLessThan(1e-6);
    const perExample = mdn.predict(x, tf.tensor1d([0, 500, 999], 'int32'));
    const rows = (await perExample.array()) as number[][];
    const xs = (await x.array()) as number[][];
    [0, 500, 999].forEach((t, i) => expect(rows[i]![0]).toBeCloseTo(xs[i]![0]! * mdn.schedule.sqrtAlphasCumprod[t]!, 5));
    tf.dispose([zero, expected, perExample]);
    const before = tf.memory().numTensors;
    const s = await mdn.sample({ batch: 4, steps: 5, seed: 1 });
    expect(s.shape).toEqual([4, DIM]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, p]);
    mdn.dispose();
  });

  it('reproduces a two-mode toy distribution of vectors, unconditionally and given the mode', async () => {
    const { items, spread: dataSpread } = toyData(512);
    const spreads: Record<string, number> = {};
    for (const [conditioned, gaussianSkip] of [[false, true], [true, true], [false, false]] as const) {
      const mdn = ModalityDecoupledDiffusion.create({ dataDim: DIM, conditionDim: conditioned ? 2 : 0, hiddenDim: 64, numBlocks: 2, timeEmbeddingDim: 32, noiseSchedule: { ...CDM_NOISE_SCHEDULE }, groups: 1, gaussianSkip });
      await train(mdn, items, conditioned, 400);
      const n = 200;
      const wanted = Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 1));
      const condition = conditioned ? tf.tensor2d(wanted.flatMap((m) => (m === 0 ? [1, 0] : [0, 1])), [n, 2]) : undefined;
      const before = tf.memory().numTensors;
      const samples = await mdn.sample({ batch: n, steps: 20, seed: 5, ...(condition ? { condition } : {}) });
      const rows = (await samples.array()) as number[][];
      samples.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const nearest = rows.map((r) => (cosine(r, A) >= cosine(r, B) ? 0 : 1));
      const closeness = rows.map((r) => Math.max(cosine(r, A), cosine(r, B)));
      const meanCloseness = closeness.reduce((a, c) => a + c, 0) / n;
      // The data lie at cosine about 0.99 from their prototype; unrelated standardised vectors near 0.
      expect(meanCloseness).toBeGreaterThan(0.9);
      const spread = rows.map((r) => 1 - Math.max(cosine(r, A), cosine(r, B)));
      spreads[`${conditioned ? 'conditioned' : 'unconditional'}${gaussianSkip ? '' : ', no skip'}`] = spread.reduce((a, v) => a + v, 0) / n;
      if (conditioned) {
        const agree = nearest.filter((m, i) => m === wanted[i]).length / n;
        console.log(`MDN toy, conditioned: ${(agree * 100).toFixed(1)} % of samples in the asked mode, mean cosine to it ${meanCloseness.toFixed(3)}`);
        expect(agree).toBeGreaterThan(0.95);
      } else {
        const shareA = nearest.filter((m) => m === 0).length / n;
        console.log(`MDN toy, unconditional: ${(shareA * 100).toFixed(1)} % of samples near mode A (data: 70 %), mean cosine ${meanCloseness.toFixed(3)}`);
        expect(shareA).toBeGreaterThan(0.55);
        expect(shareA).toBeLessThan(0.85);
      }
      condition?.dispose();
      mdn.dispose();
    }
    // Within-mode spread (mean 1 - cosine to the nearest prototype): a plain x0 network snaps
    // samples onto the modes; the Gaussian skip keeps part of the spread (still below the data's).
    console.log(`MDN toy, within-mode spread: data ${dataSpread.toFixed(4)}, ${Object.entries(spreads).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
    expect(spreads.unconditional!).toBeGreaterThan(1.5 * spreads['unconditional, no skip']!);
    expect(spreads.unconditional!).toBeLessThan(dataSpread * 1.5);
  });
});
