// @vitest-environment jsdom
import extension from '@meddiff/ohif-extension';
import { COMMANDS, EXTENSION_ID } from '@meddiff/ohif-extension/ids';
import { describe, expect, it } from 'vitest';
import mode from './index.js';
import { MODE_ID, TOOLBAR_IDS } from './ids.js';
import { createOhifApp } from './testing/ohifApp.js';
import { toolbarButtons, toolbarSections } from './toolbarButtons.js';

describe('the toolbar buttons with the real extension and ToolbarService', () => {
  it('register, and every command they run is one the registered extension provides', async () => {
    const app = createOhifApp();
    await app.extensionManager.registerExtensions([extension]);
    const toolbarService = app.servicesManager.services.toolbarService;
    toolbarService.register(toolbarButtons);
    for (const [key, ids] of Object.entries(toolbarSections)) toolbarService.updateSection(key, ids);
    for (const id of Object.values(TOOLBAR_IDS)) expect(toolbarService.getButton(id), id).toBeTruthy();
    expect(toolbarService.getButton(TOOLBAR_IDS.superResolve4).props.commands[0]).toEqual({ commandName: COMMANDS.selectTask, commandOptions: { kind: 'super-resolve', factor: 4 } });
    const used = toolbarButtons.flatMap((b) => ((b.props as { commands?: { commandName: string }[] }).commands ?? []).map((c) => c.commandName));
    for (const name of new Set(used)) expect(app.commandsManager.getCommand(name), name).toBeTruthy();
  });

  it('the default export is the mode an OHIF build registers: its id is the package name and it lists the extension by its package name', () => {
    expect(mode.id).toBe(MODE_ID);
    expect(MODE_ID).toBe('@meddiff/ohif-mode');
    expect(mode.extensionDependencies).toEqual({ [EXTENSION_ID]: expect.stringMatching(/^\^0\.1\./) });
  });
});
