import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_JSON, readSavedModel } from './savedModel';
import { ModelCardError, newModelCard, validateModelCard } from './modelCard';
import { saveUNet } from './unetWeights';
import { memoryWeightsStore } from './weightsStore';
import { UNet } from '../nn/unet';
import { unetPreset } from '../nn/unetPresets';
import { useBackend } from '../testing/backends';

const fields = {
  name: 'test-model',
  intendedUse: 'tests',
  input: { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: [1, 2] as [number, number], intensity: 'percentiles 0.5 and 99.5 to -1 and 1', channels: ['image'] },
  trainedOn: 'nothing',
  trainingSteps: 10,
};

function problemsOf(card: unknown): string[] {
  try {
    validateModelCard(card, 'the test');
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ModelCardError);
    expect((e as ModelCardError).code).toBe('MODEL_CARD_INVALID');
    return (e as ModelCardError).problems;
  }
}

beforeAll(() => useBackend('cpu'));

describe('model cards', () => {
  it('fills a new card: version 0.1.0, licence NOASSERTION, its changelog, and validates it', () => {
    const card = newModelCard(fields, 'First version.', new Date('2026-12-07T10:00:00Z'));
    expect(card).toMatchObject({ cardVersion: 1, version: '0.1.0', license: 'NOASSERTION', metrics: [], changelog: [{ version: '0.1.0', date: '2026-12-07', changes: 'First version.' }] });
    expect(problemsOf(card)).toEqual([]);
    expect(newModelCard({ ...fields, version: '2.0.0', license: 'Apache-2.0' }, 'x').changelog[0]!.version).toBe('2.0.0');
  });

  it('names every problem of a card saved before cards had a schema', () => {
    const problems = problemsOf({ task: 'denoising', trainedOn: 'open-64', trainingSteps: 400, intendedUse: 'Research use only.' });
    expect(problems.join('\n')).toMatch(/cardVersion/);
    for (const field of ['name', 'license', 'version', 'input', 'metrics', 'changelog']) expect(problems.join('\n')).toContain(field);
    expect(problems.join('\n')).not.toMatch(/trainedOn|intendedUse|trainingSteps/);
  });

  it('refuses wrong kinds of values, one problem each', () => {
    const card = newModelCard(fields, 'x');
    expect(problemsOf({ ...card, version: 'v1' })).toEqual([expect.stringMatching(/semantic version/), expect.stringMatching(/last entry/)]);
    expect(problemsOf({ ...card, input: { ...card.input, pixelSpacingMm: [2, 1] } })).toEqual([expect.stringMatching(/pixelSpacingMm/)]);
    expect(problemsOf({ ...card, metrics: [{ name: 'psnr', value: Number.NaN, condition: 'x4', data: 'corpus-64 test' }] })).toEqual([expect.stringMatching(/metrics\[0\]/)]);
    expect(problemsOf({ ...card, changelog: [{ version: '0.1.0', date: '7 Dec', changes: 'x' }] })).toEqual([expect.stringMatching(/changelog\[0\]/)]);
    expect(problemsOf({ ...card, trainingSteps: { mrm: 10, mdn: -1 } })).toEqual([expect.stringMatching(/trainingSteps/)]);
    expect(problemsOf(null)).toEqual(['the card is not a JSON object']);
  });

  it('is checked when a model is saved and when it is loaded', async () => {
    const unet = UNet.create({ ...unetPreset('tiny'), inChannels: 1, outChannels: 1 });
    const store = memoryWeightsStore();
    const { license: _, ...unlicensed } = newModelCard(fields, 'x');
    await expect(saveUNet(unet, store, { card: unlicensed as never })).rejects.toThrow(/license must be a non-empty string/);
    expect(await store.exists(MODEL_JSON)).toBe(false);
    await saveUNet(unet, store, { card: newModelCard(fields, 'x') });
    unet.dispose();
    const json = JSON.parse(new TextDecoder().decode(await store.read(MODEL_JSON)));
    delete json.userDefinedMetadata.meddiff.card.input;
    await store.write!(MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)));
    await expect(readSavedModel(store, 'UNet')).rejects.toThrow(ModelCardError);
    await expect(readSavedModel(store, 'UNet')).rejects.toThrow(/input \(modalities/);
  });
});
