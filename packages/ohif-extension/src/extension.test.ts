// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtension } from './extension.js';
import { COMMANDS, EXTENSION_ID, PANEL_ID } from './id.js';
import { createOhifApp } from './testing/ohifCore.js';
import { InProcessWorker } from './testing/inProcessWorker.js';
import { startWeightsServer, type WeightsServer } from './testing/weightsServer.js';

let weights: WeightsServer;
beforeAll(async () => {
  weights = await startWeightsServer();
});
afterAll(() => weights.close());

async function registered() {
  const appConfig = { meddiff: { modelsIndexUrl: 'unused', preferredBackends: ['wasm'] } };
  const app = createOhifApp(appConfig);
  const extension = createExtension({ createWorker: () => new InProcessWorker() });
  const dataSources = [{ namespace: `${EXTENSION_ID}.dataSourcesModule.localResults`, sourceName: 'meddiff-local', configuration: { friendlyName: 'results' } }];
  await app.extensionManager.registerExtensions([extension], dataSources);
  return { ...app, extension };
}

describe('the extension in the real @ohif/core managers', () => {
  it('registers under its package name with its panel and data source', async () => {
    const { extensionManager } = await registered();
    expect(extensionManager.registeredExtensionIds).toContain('@meddiff/ohif-extension');
    const panel = extensionManager.getModuleEntry(PANEL_ID);
    expect(panel).toMatchObject({ name: 'diffusionTools', label: 'Diffusion tools' });
    expect(typeof panel.component).toBe('function');
    const [local] = extensionManager.getDataSources('meddiff-local');
    expect(local.getConfig()).toMatchObject({ friendlyName: 'results' });
    await local.store.dicom({ SOPInstanceUID: '1.2.3', StudyInstanceUID: '1.2' });
    expect(local.instances.get('1.2.3')).toMatchObject({ StudyInstanceUID: '1.2' });
  });

  it('its commands run through the CommandsManager and change the panel state', async () => {
    const { commandsManager } = await registered();
    for (const name of Object.values(COMMANDS)) expect(commandsManager.getCommand(name), name).toBeTruthy();
    await commandsManager.runCommand(COMMANDS.selectTask, { kind: 'super-resolve', factor: 4 });
    await commandsManager.runCommand(COMMANDS.setOptions, { sampler: 'ddim', steps: 7, seed: 11, samples: 3, storeToPacs: true });
    const state = await commandsManager.runCommand(COMMANDS.getState);
    expect(state).toMatchObject({ task: { kind: 'super-resolve', factor: 4 }, sampling: { sampler: 'ddim', steps: 7, seed: 11, samples: 3 }, storeToPacs: true, status: 'idle' });
    await expect(commandsManager.runCommand(COMMANDS.setOptions, { sampler: 'euler' })).rejects.toThrow(/Allowed: dpm-solver, ddim, ddpm/);
    // Translation: a target chosen stays when the toolbar button (no target) is pressed again.
    await commandsManager.runCommand(COMMANDS.selectTask, { kind: 'translate', target: 'PD' });
    await commandsManager.runCommand(COMMANDS.selectTask, { kind: 'translate', target: '' });
    await commandsManager.runCommand(COMMANDS.setOptions, { wholeSeries: true });
    expect(await commandsManager.runCommand(COMMANDS.getState)).toMatchObject({ task: { kind: 'translate', target: 'PD' }, wholeSeries: true });
  });

  it('loads the configured models, reports the backend and the model card', async () => {
    const { extension } = await registered();
    const runtime = extension.getRuntime()!;
    const controller = runtime.controller;
    await controller.selectModel(weights.good);
    await runtime.client.ready();
    expect(controller.getState()).toMatchObject({ modelStatus: 'ready', card: { name: 'Med-cDiff denoising' } });
    await controller.selectModel(weights.corrupt);
    expect(controller.getState()).toMatchObject({ modelStatus: 'failed', error: { code: 'MODEL_CORRUPT' } });
  });

  it('a run without an image in the viewer fails with a message, and nothing is registered', async () => {
    const { commandsManager, servicesManager, extension } = await registered();
    await extension.getRuntime()!.controller.selectModel(weights.good);
    const result = await commandsManager.runCommand(COMMANDS.run, { kind: 'denoise', steps: 1 });
    expect(result).toBeNull();
    const state = await commandsManager.runCommand(COMMANDS.getState);
    expect(state).toMatchObject({ outcome: 'failed', error: { code: 'NO_ACTIVE_IMAGE' }, results: [] });
    expect(servicesManager.services.displaySetService.getActiveDisplaySets()).toHaveLength(0);
  });
});
