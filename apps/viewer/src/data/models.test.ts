import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CDM_PARTS, cdmConfig, type CdmConfig, type ModelCard } from '@meddiff/cdm';
import { newModelCard, resolveUNetConfig, unetPreset, type UNetPresetName } from '@meddiff/diffusion-core';
import { ensureModels, folderDigest, modelFamilyOf, SHIPPED_MODELS_DIR, ShippedModelError } from './models.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'meddiff-models-'));
  dirs.push(d);
  return d;
}

const INPUT = { modalities: ['MR'], planes: ['axial'], pixelSpacingMm: null, intensity: 'percentiles', channels: ['image'] };
const testCard = (trainingSteps: ModelCard['trainingSteps'] | number) => newModelCard({ name: 'test', trainedOn: 'test', trainingSteps, intendedUse: 'tests', input: INPUT }, 'Test.');

/** A Med-cDiff folder as @meddiff/med-cdiff saves it: model.json (with its card) and one shard. */
function writeMedCDiff(dir: string, task: string, steps: number, unet = resolveUNetConfig({ ...unetPreset('tiny'), inChannels: 2, outChannels: 1 })): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [], userDefinedMetadata: { meddiff: { config: { task, unet }, card: testCard(steps) } } }));
  writeFileSync(join(dir, 'weights.1-of-1.bin'), new Uint8Array([1, 2, 3, 4]));
}

const T1T2_TO_FLAIR_PD = { sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] };

/** A CDM folder as @meddiff/cdm saves it: cdm.json at the root and one folder per part. */
function writeCdm(dir: string, config: CdmConfig = cdmConfig({ modalities: T1T2_TO_FLAIR_PD, size: 'tiny' }), card: unknown = testCard({ mrm: 600, mdn: 2000, cunet: 1500 })): void {
  mkdirSync(dir, { recursive: true });
  for (const part of CDM_PARTS) {
    mkdirSync(join(dir, part));
    writeFileSync(join(dir, part, 'model.json'), JSON.stringify({ part }));
    writeFileSync(join(dir, part, 'weights.1-of-1.bin'), new Uint8Array([part.length, 7, 7, 7]));
  }
  writeFileSync(join(dir, 'cdm.json'), JSON.stringify({ format: 'meddiff-cdm', version: 1, modelClass: 'CDM', config, card, parts: { mrm: 'mrm', mdn: 'mdn', cunet: 'cunet' } }));
}

describe('ensureModels', () => {
  it('indexes Med-cDiff and CDM folders by family, copies them and writes index.json', async () => {
    const shipped = tempDir();
    const served = tempDir();
    writeMedCDiff(join(shipped, 'med-cdiff-denoising-tiny'), 'denoising', 400);
    writeCdm(join(shipped, 'cdm-t1-t2-to-flair-pd-tiny'));
    mkdirSync(join(shipped, 'not-a-model'));
    writeFileSync(join(shipped, 'README.md'), '# models');
    const entries = await ensureModels(served, () => undefined, shipped);
    const digest = (id: string, file: string) => createHash('sha256').update(readFileSync(join(shipped, id, file))).digest('hex');
    const cdmId = 'cdm-t1-t2-to-flair-pd-tiny';
    expect(entries).toEqual([
      { id: 'med-cdiff-denoising-tiny', label: 'Med-cDiff denoising (tiny, 400 training steps)', url: '/models/med-cdiff-denoising-tiny/', tasks: ['denoise'], family: 'med-cdiff', pinned: { 'model.json': digest('med-cdiff-denoising-tiny', 'model.json') } },
      {
        id: cdmId,
        label: 'CDM T1 + T2 -> FLAIR, PD (tiny, 32 px, 600/2000/1500 training steps)',
        url: `/models/${cdmId}/`,
        tasks: ['translate'],
        family: 'cdm',
        pinned: Object.fromEntries(['cdm.json', 'cunet/model.json', 'mdn/model.json', 'mrm/model.json'].map((f) => [f, digest(cdmId, f)])),
      },
    ]);
    expect(JSON.parse(readFileSync(join(served, 'index.json'), 'utf8'))).toEqual({ version: 1, models: entries });
    for (const e of entries) expect(folderDigest(join(served, e.id))).toBe(folderDigest(join(shipped, e.id)));
    expect(existsSync(join(served, 'cdm-t1-t2-to-flair-pd-tiny', 'cunet', 'weights.1-of-1.bin'))).toBe(true);
    expect(existsSync(join(served, 'not-a-model'))).toBe(false);
  });

  it('names the size preset a CDM config matches (at any image size), and "custom" when it matches none', async () => {
    const shipped = tempDir();
    writeCdm(join(shipped, 'small'), cdmConfig({ modalities: 't1-to-t2-flair', size: 'small' }));
    writeCdm(join(shipped, 'custom'), cdmConfig({ modalities: 't1-to-t2-flair', size: 'tiny', overrides: { loss: 'mse' } }));
    writeCdm(join(shipped, 'tiny-64'), cdmConfig({ modalities: 't1-to-t2-flair', size: 'tiny', overrides: { imageSize: 64 } }));
    const labels = (await ensureModels(tempDir(), () => undefined, shipped)).map((e) => e.label);
    expect(labels).toEqual(['CDM T1 -> T2, FLAIR (custom, 32 px, 600/2000/1500 training steps)', 'CDM T1 -> T2, FLAIR (small, 64 px, 600/2000/1500 training steps)', 'CDM T1 -> T2, FLAIR (tiny, 64 px, 600/2000/1500 training steps)']);
  });

  it('names the U-Net size preset of a Med-cDiff network, and "custom" when it matches none', async () => {
    const shipped = tempDir();
    const unet = (name: UNetPresetName, extra = {}) => resolveUNetConfig({ ...unetPreset(name), inChannels: 2, outChannels: 1, ...extra });
    writeMedCDiff(join(shipped, 'a-small'), 'super-resolution', 4250, unet('small'));
    writeMedCDiff(join(shipped, 'b-tiny'), 'super-resolution', 400, unet('tiny'));
    writeMedCDiff(join(shipped, 'c-custom'), 'super-resolution', 10, unet('tiny', { baseChannels: 12 }));
    const labels = (await ensureModels(tempDir(), () => undefined, shipped)).map((e) => e.label);
    expect(labels).toEqual(['Med-cDiff super-resolution (small, 4250 training steps)', 'Med-cDiff super-resolution (tiny, 400 training steps)', 'Med-cDiff super-resolution (custom, 10 training steps)']);
  });

  it('replaces a served copy when any shipped file changes, and leaves it when none does', async () => {
    const shipped = tempDir();
    const served = tempDir();
    writeCdm(join(shipped, 'cdm'));
    const logged: string[] = [];
    await ensureModels(served, (m) => logged.push(m), shipped);
    expect(logged).toHaveLength(1);
    const copied = join(served, 'cdm', 'mdn', 'weights.1-of-1.bin');
    const before = statSync(copied).mtimeMs;
    await ensureModels(served, (m) => logged.push(m), shipped);
    expect(logged).toHaveLength(1);
    expect(statSync(copied).mtimeMs).toBe(before);
    // Only a weights shard changes (cdm.json stays the same): the copy is still refreshed.
    writeFileSync(join(shipped, 'cdm', 'mdn', 'weights.1-of-1.bin'), new Uint8Array([9, 9, 9, 9]));
    await ensureModels(served, (m) => logged.push(m), shipped);
    expect(logged).toHaveLength(2);
    expect(Array.from(readFileSync(copied))).toEqual([9, 9, 9, 9]);
    expect(existsSync(join(served, 'cdm.partial'))).toBe(false);
  });

  it('refuses a folder with both model.json and cdm.json', async () => {
    const shipped = tempDir();
    writeCdm(join(shipped, 'both'));
    writeFileSync(join(shipped, 'both', 'model.json'), '{}');
    expect(() => modelFamilyOf(join(shipped, 'both'))).toThrow(ShippedModelError);
    await expect(ensureModels(tempDir(), () => undefined, shipped)).rejects.toThrow(/both model.json and cdm.json/);
  });

  it('refuses a CDM folder with an invalid config, a missing part or no training steps, and keeps the served copy', async () => {
    const shipped = tempDir();
    const served = tempDir();
    writeCdm(join(shipped, 'cdm'));
    await ensureModels(served, () => undefined, shipped);
    const good = folderDigest(join(served, 'cdm'));

    const config = cdmConfig({ modalities: T1T2_TO_FLAIR_PD, size: 'tiny' });
    rmSync(join(shipped, 'cdm'), { recursive: true });
    writeCdm(join(shipped, 'cdm'), { ...config, cunet: { unet: { ...config.cunet.unet, outChannels: 3 } } });
    await expect(ensureModels(served, () => undefined, shipped)).rejects.toThrow(/invalid config: .*outChannels is 3/);

    rmSync(join(shipped, 'cdm'), { recursive: true });
    writeCdm(join(shipped, 'cdm'));
    rmSync(join(shipped, 'cdm', 'mdn'), { recursive: true });
    await expect(ensureModels(served, () => undefined, shipped)).rejects.toThrow(/the mdn part is missing/);

    rmSync(join(shipped, 'cdm'), { recursive: true });
    writeCdm(join(shipped, 'cdm'), config, testCard({ mrm: 600 }));
    await expect(ensureModels(served, () => undefined, shipped)).rejects.toThrow(/training steps of mdn, cunet/);

    rmSync(join(shipped, 'cdm'), { recursive: true });
    writeCdm(join(shipped, 'cdm'), config, { trainedOn: 'test', trainingSteps: { mrm: 600, mdn: 2000, cunet: 1500 }, intendedUse: 'tests' });
    await expect(ensureModels(served, () => undefined, shipped)).rejects.toThrow(/model card .* is not valid: cardVersion must be 1.*license must be a non-empty string/);

    writeFileSync(join(shipped, 'cdm', 'cdm.json'), '{ not json');
    await expect(ensureModels(served, () => undefined, shipped)).rejects.toThrow(/cdm.json is not readable JSON/);
    expect(folderDigest(join(served, 'cdm'))).toBe(good);
  });

  it('indexes the models this app ships', async () => {
    const entries = await ensureModels(tempDir(), () => undefined, SHIPPED_MODELS_DIR);
    expect(entries.length).toBeGreaterThan(0);
    for (const task of ['denoise', 'super-resolve', 'inpaint']) expect(entries.filter((e) => e.family === 'med-cdiff' && e.tasks.includes(task)).length).toBeGreaterThan(0);
    // Super-resolution: the small model first (the panel's default), the tiny one beside it.
    expect(entries.filter((e) => e.tasks.includes('super-resolve')).map((e) => e.id)).toEqual(['med-cdiff-super-resolution-small', 'med-cdiff-super-resolution-tiny']);
    for (const e of entries.filter((x) => x.family === 'cdm')) expect(e.tasks).toEqual(['translate']);
  });
});
