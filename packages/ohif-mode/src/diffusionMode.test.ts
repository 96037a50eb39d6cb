// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { EXTENSION_VERSION, PANEL_ID } from '@meddiff/ohif-extension/ids';
import { BASIC_MODE, createDiffusionMode } from './diffusionMode.js';
import { MODE_ID, ROUTE_NAME, TOOLBAR_IDS } from './ids.js';
import { basicMode } from './testing/basicMode.js';
import { createOhifApp } from './testing/ohifApp.js';

const EXTENSION_URL = 'http://viewer/plugins/meddiff-extension.js';

describe('the Diffusion tools mode', () => {
  it('builds on the app\'s basic mode: its route, our panel open on the right, our buttons in the primary toolbar', async () => {
    const mode = createDiffusionMode(EXTENSION_URL);
    const requested: string[][] = [];
    const instance = await mode.modeFactory({ loadModules: async (names: string[]) => (requested.push(names), [{ modeInstance: basicMode() }]) });
    expect(requested).toEqual([[BASIC_MODE]]);
    expect(instance).toMatchObject({ id: MODE_ID, routeName: ROUTE_NAME, displayName: 'Diffusion tools', hide: false });
    expect(instance.routes[0]).toMatchObject({ path: 'diffusion', layoutInstance: { props: { rightPanels: [PANEL_ID, 'segmentation', 'measurements'], rightPanelClosed: false, leftPanels: ['series'] } } });
    // The app imports each key of `extensions` before entering the mode: ours is the URL of its module.
    expect(instance.extensions).toEqual({ '@ohif/extension-default': '^3.0.0', [EXTENSION_URL]: `^${EXTENSION_VERSION}` });
    // The basic mode's toolbar composition is kept as it is; ours is added on entering the mode.
    expect((instance as Record<string, unknown>)['toolbarSections']).toEqual({ primary: ['Zoom'] });
  });

  it('onModeEnter registers the basic tools and ours with the real ToolbarService', async () => {
    const app = createOhifApp();
    const instance = await createDiffusionMode(EXTENSION_URL).modeFactory({ loadModules: async () => [{ modeInstance: basicMode() }] });
    instance.onModeEnter.call(instance, { servicesManager: app.servicesManager, commandsManager: app.commandsManager, extensionManager: app.extensionManager });
    const toolbar = app.servicesManager.services.toolbarService;
    for (const id of ['Zoom', ...Object.values(TOOLBAR_IDS)]) expect(toolbar.getButton(id), id).toBeTruthy();
    expect(toolbar.state.buttonSections['primary']).toEqual(['Zoom', TOOLBAR_IDS.section]);
    expect(toolbar.state.buttonSections[TOOLBAR_IDS.section]).toEqual([TOOLBAR_IDS.superResolve2, TOOLBAR_IDS.superResolve4, TOOLBAR_IDS.denoise, TOOLBAR_IDS.inpaint, TOOLBAR_IDS.translate]);
    // Leaving the mode takes our section out of the toolbar again, and leaves the basic tools.
    instance.onModeExit.call(instance, { servicesManager: app.servicesManager, commandsManager: app.commandsManager, extensionManager: app.extensionManager });
    expect(toolbar.state.buttonSections['primary']).toEqual(['Zoom']);
    expect(toolbar.state.buttonSections[TOOLBAR_IDS.section]).toEqual([]);
  });

  it('says what is missing when the app has no basic mode', async () => {
    await expect(createDiffusionMode(EXTENSION_URL).modeFactory({ loadModules: async () => [undefined] })).rejects.toThrow(/needs an OHIF 3.13 app that bundles it/);
    await expect(createDiffusionMode(EXTENSION_URL).modeFactory({})).rejects.toThrow(/loadModules/);
  });
});
