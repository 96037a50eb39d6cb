import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@meddiff/diffusion-core';
import { decode } from 'fast-png';
import { medCDiffConfig, type MedCDiffTask } from '../config';
import { MedCDiffModel } from '../model';
import { RegressionUNet } from '../baselines/regressionUNet';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { MedCDiffPipeline } from '../pipeline/medCDiffPipeline';
import { randomizeWeights, testModelCard } from '../testing';
import type { EvaluationReport } from '../evaluate/report';
import { evaluationConditions } from '../evaluate/cases';
import { openSlices } from '../testing';
import { evaluate } from './evaluate';
import { savedTinyModel } from './testFiles';
import { OutputExistsError } from './errors';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));
const tmp = mkdtempSync(join(tmpdir(), 'med-cdiff-evaluate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny random-weights model at the open-64 dataset's size, so every slice is one tile. */
function pipelineFor(task: MedCDiffTask): MedCDiffPipeline {
  const model = MedCDiffModel.create(medCDiffConfig(task, 'tiny', { imageSize: 64 }));
  randomizeWeights(model, 7);
  return new MedCDiffPipeline(model);
}

function openValidation() {
  const v = openSlices('val');
  return { data: v.data, count: v.count, rows: v.size, cols: v.size };
}

const fast = { sampler: 'ddim' as const, steps: 2, data: 'open-64' };

describe('evaluate', () => {
  it('super-resolution: writes report.md/json and a montage per factor; the baselines rank as interpolation theory says', async () => {
    const p = pipelineFor('super-resolution');
    const out = join(tmp, 'sr');
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const { report, files } = await evaluate({ model: p, out, count: 3, montageSlices: 2, ...fast, log: (l) => lines.push(l) });
    expect(tf.memory().numTensors).toBe(before);
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['montage-x2.png', 'montage-x4.png', 'report.json', 'report.md']);
    expect(report.conditions.map((c) => c.id)).toEqual(['x2', 'x4']);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvaluationReport;
    for (const c of json.conditions) {
      expect(c.slices).toEqual([0, 19, 38]); // 3 of the 58, evenly spaced
      expect(c.methods.map((m) => m.name)).toEqual(['nearest', 'bilinear', 'bicubic', 'lanczos', 'Med-cDiff']);
      for (const m of c.methods) {
        for (const metric of ['psnr', 'ssim', 'mae', 'accutance', 'accutanceRatio'] as const) {
          expect(m.scores[metric]).toHaveLength(3);
          expect(Number.isFinite(m.summary[metric].mean), `${c.id} ${m.name} ${metric}`).toBe(true);
        }
      }
      const psnr = (name: string) => c.methods.find((m) => m.name === name)!.summary.psnr.mean;
      // Smooth interpolants beat nearest-neighbour on real anatomy; Lanczos and bicubic beat bilinear.
      expect(psnr('bicubic')).toBeGreaterThan(psnr('nearest') + 0.5);
      expect(psnr('bicubic')).toBeGreaterThan(psnr('bilinear'));
      expect(psnr('lanczos')).toBeGreaterThan(psnr('bilinear'));
      // Interpolation blurs: its output is less sharp than the truth.
      expect(c.methods.find((m) => m.name === 'bicubic')!.summary.accutanceRatio.mean).toBeLessThan(1);
      // Downstream Dice of three tissue classes: in [0, 1], and blockier nearest-neighbour edges agree less than bicubic's.
      const dice = (name: string) => c.methods.find((m) => m.name === name)!.tissueDice!.summary.map((x) => x.mean);
      for (const v of c.methods.flatMap((m) => m.tissueDice!.perSlice.flat()).filter(Number.isFinite)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(dice('bicubic').reduce((a, b) => a + b)).toBeGreaterThan(dice('nearest').reduce((a, b) => a + b));
    }
    // x4 loses more than x2.
    const bicubic = (id: string) => json.conditions.find((c) => c.id === id)!.methods.find((m) => m.name === 'bicubic')!.summary.psnr.mean;
    expect(bicubic('x2')).toBeGreaterThan(bicubic('x4'));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| method | PSNR (dB) | SSIM | MAE | accutance | accutance ratio |');
    expect(md).toMatch(/\| \*\*Med-cDiff\*\* \| -?\d+\.\d\d ± \d+\.\d\d \|/);
    expect(md).toContain('![super-resolution x2');
    expect(md).toContain('| method | Dice, tissue 1 (darkest) | Dice, tissue 2 | Dice, tissue 3 (brightest) |');
    // 2 slices x 5 panels of 64 px shown at 2x, 2 px gaps.
    const png = decode(readFileSync(join(out, 'montage-x2.png')));
    expect([png.width, png.height, png.channels]).toEqual([5 * 128 + 6 * 2, 2 * 128 + 3 * 2, 1]);
    expect(lines).toContain('x4: scored 3 slices');
    // A second run does not overwrite the report without force.
    await expect(evaluate({ model: p, out, count: 1, ...fast })).rejects.toBeInstanceOf(OutputExistsError);
    p.dispose();
  });

  it('denoising: tunes the Gaussian and non-local means on training slices; the filters beat the noisy input, median + NLM beats the median; a regression U-Net is scored too', async () => {
    const p = pipelineFor('denoising');
    const regression = RegressionUNet.create(p.model.config);
    const values = regression.unet.model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.05, 'float32', 3000 + i));
    regression.unet.model.setWeights(values);
    tf.dispose(values);
    const regressionDir = join(tmp, 'regression');
    await regression.save(fileWeightsStore(regressionDir), { card: testModelCard('denoising') });
    regression.dispose();
    const before = tf.memory().numTensors;
    const { report } = await evaluate({ model: p, baselineModel: regressionDir, out: join(tmp, 'dn'), count: 2, montageSlices: 0, ...fast, samples: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const c = report.conditions[0]!;
    expect(c.montage).toBeUndefined();
    expect(report.gaussianSigma!.heldOutSlices).toBe(8);
    expect(report.sampling.samples).toBe(2);
    expect(c.methods.map((m) => m.name)).toEqual(['noisy input', 'median 3x3', `gaussian s=${report.gaussianSigma!.sigma}`, `median + NLM h=${report.nonLocalMeansH!.h}`, 'regression U-Net', 'Med-cDiff']);
    const psnr = (kind: string, i = 0) => c.methods.filter((m) => m.kind === kind)[i]!.summary.psnr.mean;
    expect(psnr('baseline', 0)).toBeGreaterThan(psnr('input'));
    expect(psnr('baseline', 1)).toBeGreaterThan(psnr('input'));
    expect(psnr('baseline', 2)).toBeGreaterThan(psnr('baseline', 0));
    for (const v of c.methods[4]!.scores.psnr) expect(Number.isFinite(v)).toBe(true);
    // Noise is sharper than anatomy: the noisy input's accutance ratio is above 1.
    expect(c.methods[0]!.summary.accutanceRatio.mean).toBeGreaterThan(1);
    expect(c.draws[0]!.sigma).toBeGreaterThan(0);
    p.dispose();
  });

  it('denoising at one noise setting (--noise): every case has that sigma and share, the report says so; other tasks and bad settings are refused', async () => {
    const p = pipelineFor('denoising');
    const { report } = await evaluate({ model: p, out: join(tmp, 'dn-fixed'), count: 2, montageSlices: 0, ...fast, noise: { sigma: 0.1, impulses: 0.05 } });
    expect(report.conditions[0]!.draws.map((d) => [d.sigma, d.saltPepper])).toEqual([[0.1, 0.05], [0.1, 0.05]]);
    expect(report.scoredDegradation).toMatchObject({ gaussianSigma: [0.1, 0.1], saltPepper: [0.05, 0.05] });
    expect(readFileSync(join(tmp, 'dn-fixed', 'report.md'), 'utf8')).toContain('Gaussian sigma 0.1 and 5 % salt and pepper');
    await expect(evaluate({ model: p, out: join(tmp, 'dn-bad'), count: 1, ...fast, noise: { sigma: 0.1, impulses: 1.5 } })).rejects.toThrow(/impulse share in \[0, 1\)/);
    p.dispose();
    const sr = pipelineFor('super-resolution');
    await expect(evaluate({ model: sr, out: join(tmp, 'sr-noise'), count: 1, ...fast, noise: { sigma: 0.1, impulses: 0 } })).rejects.toThrow(/denoising evaluation/);
    sr.dispose();
  });

  it('scores the test split of a corpus for the final tables, and says so; a dataset without one is refused by name', async () => {
    const p = pipelineFor('super-resolution');
    const { report } = await evaluate({ model: p, out: join(tmp, 'test-split'), count: 1, montageSlices: 0, ...fast, data: 'corpus-64', split: 'test' });
    expect(report.data.split).toBe('test');
    expect(readFileSync(join(tmp, 'test-split', 'report.md'), 'utf8')).toContain('the test split (subjects never trained or tuned on) of `corpus-64`');
    await expect(evaluate({ model: p, out: join(tmp, 'no-test'), count: 1, ...fast, split: 'test' })).rejects.toThrow(/test/);
    p.dispose();
  });

  it('inpainting: scores inside the mask, where the harmonic fill is closer to the truth than an empty hole', async () => {
    const p = pipelineFor('inpainting');
    const { report } = await evaluate({ model: p, out: join(tmp, 'in'), count: 2, montageSlices: 1, ...fast });
    const c = report.conditions[0]!;
    expect(c.methods.map((m) => m.name)).toEqual(['harmonic', 'Med-cDiff']);
    for (const m of c.methods) for (const v of m.scores.psnr) expect(Number.isFinite(v)).toBe(true);
    expect(c.methods.some((m) => m.tissueDice)).toBe(false);
    // The same cases as evaluate drew: the harmonic fill errs less inside the hole than leaving it empty (0).
    const cases = evaluationConditions('inpainting', openValidation(), p.model.config.degradation, 0, 2)[0]!.cases;
    expect(cases.map((k) => k.index)).toEqual(c.slices);
    cases.forEach((k, i) => {
      let empty = 0;
      let holes = 0;
      k.mask!.forEach((m, j) => {
        if (m) {
          empty += Math.abs(k.truth[j]!);
          holes++;
        }
      });
      expect(c.methods[0]!.scores.mae[i]!).toBeLessThan(0.8 * (empty / holes));
    });
    expect(c.draws.every((d) => (d.coverage as number) > 0)).toBe(true);
    p.dispose();
  });

  it('--record writes the evaluation into the model folder\'s card as a new version; an old or malformed version is refused before any work', async () => {
    const dir = await savedTinyModel(join(tmp, 'recorded'), 'super-resolution');
    const { report } = await evaluate({ model: dir, out: join(tmp, 'recorded-report'), count: 2, montageSlices: 0, ...fast, record: '0.2.0' });
    const loaded = await MedCDiffPipeline.load(dir);
    const card = loaded.model.card!;
    loaded.dispose();
    expect(card.version).toBe('0.2.0');
    expect(card.changelog.map((e) => e.version)).toEqual(['0.1.0', '0.2.0']);
    expect(card.changelog[1]!.changes).toMatch(/Evaluated on open-64 val \(2 of 58 slices\).*x2 PSNR .* dB, x4 PSNR/);
    const x4 = report.conditions.find((c) => c.id === 'x4')!;
    const psnr = card.metrics.find((m) => m.name === 'psnr' && m.condition.startsWith(x4.title))!;
    expect(psnr.value).toBeCloseTo(x4.methods.find((m) => m.kind === 'model')!.summary.psnr.mean, 3);
    // The classical method with the best PSNR is the baseline beside it.
    const best = Math.max(...x4.methods.filter((m) => m.kind === 'baseline').map((m) => m.summary.psnr.mean));
    expect(psnr.baseline!.value).toBeCloseTo(best, 3);
    await expect(evaluate({ model: dir, out: join(tmp, 'again'), count: 1, ...fast, record: '0.2.0' })).rejects.toThrow(/already has version 0.2.0/);
    await expect(evaluate({ model: dir, out: join(tmp, 'again'), count: 1, ...fast, record: 'next' })).rejects.toThrow(/not a semantic version/);
    await expect(evaluate({ model: pipelineFor('denoising'), out: join(tmp, 'again'), count: 1, ...fast, record: '0.3.0' })).rejects.toThrow(/local model folder/);
  });
});
