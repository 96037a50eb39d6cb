import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError, memoryWeightsStore, selectBackend } from '@meddiff/diffusion-core';
import type { Image2D } from '@meddiff/imaging';
import { InvalidInputError, NotCoregisteredError, UnsupportedModalityError } from '../errors';
import { CdmModel } from '../model';
import { randomizeWeights, testConfig, testModelCard } from '../testing';
import { CdmPipeline } from './cdmPipeline';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

function pipeline(sources = ['T1', 'T2'], targets = ['FLAIR', 'PD']): CdmPipeline {
  const model = CdmModel.create(testConfig({ sources, targets }));
  for (const part of ['mrm', 'mdn', 'cunet'] as const) randomizeWeights(model.network(part), part.length + 1);
  return new CdmPipeline(model);
}

/** A 20 x 24 slice in scanner units with geometry and a frame of reference, as @meddiff/imaging reads one. */
function slice(phase: number, overrides: Partial<Image2D> = {}): Image2D {
  const data = Float32Array.from({ length: 480 }, (_, i) => 300 + 200 * Math.sin(i / 7 + phase) + (i % 24) * 4);
  return {
    data,
    shape: [20, 24],
    geometry: { spacing: [0.9, 0.9, 3], origin: [-100, -120, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    frameOfReferenceUID: '1.2.3.4',
    modality: 'MR',
    source: { format: 'array', files: [] },
    ...overrides,
  };
}

describe('CdmPipeline.translate', () => {
  it('gives each asked target on the input grid and the first source\'s scale, and leaks no tensor', async () => {
    const p = pipeline();
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const r = await p.translate({ T2: slice(1), T1: slice(0) }, ['PD', 'FLAIR'], { ddimSteps: 4, seed: 3, onProgress: (q) => stages.push(`${q.stage}:${q.step}/${q.total}`) });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(r.images).sort()).toEqual(['FLAIR', 'PD']);
    const flair = r.images.FLAIR!;
    expect(flair.shape).toEqual([20, 24]);
    expect(flair.contrast).toBe('FLAIR');
    expect(flair.geometry).toEqual(slice(0).geometry);
    expect(flair.frameOfReferenceUID).toBe('1.2.3.4');
    expect(r.scale.modality).toBe('T1');
    expect(flair.data.every(Number.isFinite)).toBe(true);
    expect(Math.min(...flair.data)).toBeGreaterThanOrEqual(r.scale.stats.low - 1e-3);
    expect(Math.max(...flair.data)).toBeLessThanOrEqual(r.scale.stats.high + 1e-3);
    expect(r.normalized.PD).toHaveLength(480);
    expect(r.std).toBeUndefined();
    expect(stages).toEqual(['encode:1/6', 'sample:2/6', 'sample:3/6', 'sample:4/6', 'sample:5/6', 'translate:6/6']);
    // Same seed, same result; another seed, another MDN draw.
    const again = await p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', { ddimSteps: 4, seed: 3 });
    expect(again.images.FLAIR!.data).toEqual(flair.data);
    const other = await p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', { ddimSteps: 4, seed: 4 });
    expect(other.images.FLAIR!.data).not.toEqual(flair.data);
    p.dispose();
  });

  it('gives a mean and a standard-deviation map over several MDN draws', async () => {
    const p = pipeline(['T1'], ['T2']);
    const before = tf.memory().numTensors;
    const r = await p.translate({ T1: slice(0) }, 'T2', { samples: 3, ddimSteps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.samples).toBe(3);
    expect(r.std!.T2).toHaveLength(480);
    expect(Math.max(...r.std!.T2!)).toBeGreaterThan(0);
    p.dispose();
  });

  it('says what it translates when asked for another target or given other sources', async () => {
    const p = pipeline();
    await expect(p.translate({ T1: slice(0), T2: slice(1) }, 'T1ce')).rejects.toBeInstanceOf(UnsupportedModalityError);
    await expect(p.translate({ T1: slice(0), T2: slice(1) }, 'T1ce')).rejects.toThrow(/translates T1 \+ T2 to FLAIR, PD/);
    await expect(p.translate({ T1: slice(0) }, 'FLAIR')).rejects.toThrow(/missing source T2/);
    await expect(p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', { samples: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(p.translate({ T1: slice(0), T2: { data: new Float32Array(10), shape: [2, 5] } }, 'FLAIR')).rejects.toThrow(/at least 8 x 8/);
    p.dispose();
  });

  it('checks that the sources are co-registered and names what differs', async () => {
    const p = pipeline();
    const cases: Array<[Partial<Image2D>, RegExp, string]> = [
      [{ data: new Float32Array(24 * 24).fill(1), shape: [24, 24] }, /T2 is 24 x 24 pixels but T1 is 20 x 24/, 'shape'],
      [{ frameOfReferenceUID: '9.9.9' }, /frame of reference 9\.9\.9/, 'frameOfReference'],
      [{ geometry: { spacing: [1, 1, 3], origin: [-100, -120, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }, /pixel spacing \(1, 1\) mm but T1 \(0\.9, 0\.9\)/, 'spacing'],
      [{ geometry: { spacing: [0.9, 0.9, 3], origin: [-100, -120, 46], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }, /6\.00 mm apart/, 'origin'],
      [{ geometry: { spacing: [0.9, 0.9, 3], origin: [-100, -120, 40], direction: [0, 1, 0, 1, 0, 0, 0, 0, 1] } }, /oriented/, 'direction'],
    ];
    for (const [change, message, kind] of cases) {
      const err = await p.translate({ T1: slice(0), T2: slice(1, change) }, 'FLAIR').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotCoregisteredError);
      expect((err as Error).message).toMatch(message);
      expect((err as NotCoregisteredError).differs).toContain(kind);
    }
    // Sub-pixel rounding of positions is accepted.
    await expect(p.translate({ T1: slice(0), T2: slice(1, { geometry: { spacing: [0.9, 0.9, 3], origin: [-100.01, -120, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }) }, 'FLAIR', { ddimSteps: 2 })).resolves.toBeDefined();
    p.dispose();
  });

  it('stops when aborted and leaves no tensor behind, also when the network fails', async () => {
    const p = pipeline();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', {
      ddimSteps: 20,
      signal: controller.signal,
      onProgress: (q) => {
        if (q.step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    const aborted = new AbortController();
    aborted.abort();
    await expect(p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', { signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
    const apply = p.model.cunet.apply.bind(p.model.cunet);
    p.model.cunet.apply = () => {
      throw new Error('device lost');
    };
    await expect(p.translate({ T1: slice(0), T2: slice(1) }, 'FLAIR', { ddimSteps: 2 })).rejects.toThrow(/device lost/);
    expect(tf.memory().numTensors).toBe(before);
    p.model.cunet.apply = apply;
    p.dispose();
  });

  it('loads from a store as a browser or worker would from a URL', async () => {
    const p = pipeline(['T1'], ['T2']);
    const store = memoryWeightsStore();
    await p.model.save(store, { card: testModelCard('unit test') });
    const loaded = await CdmPipeline.load(store);
    expect(loaded.modalities).toEqual({ sources: ['T1'], targets: ['T2'] });
    expect(loaded.card?.trainedOn).toBe('unit test');
    const a = await p.translate({ T1: slice(0) }, 'T2', { ddimSteps: 3 });
    const b = await loaded.translate({ T1: slice(0) }, 'T2', { ddimSteps: 3 });
    expect(b.images.T2!.data).toEqual(a.images.T2!.data);
    p.dispose();
    loaded.dispose();
  });
});
