// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import defaultExtension from '@meddiff/ohif-extension';
import { EXTENSION_VERSION, READER_PANEL_ID } from '@meddiff/ohif-extension/ids';
import { BASIC_MODE } from './diffusionMode.js';
import { READER_MODE_ID, READER_ROUTE_NAME } from './ids.js';
import { createReaderStudyMode } from './readerStudyMode.js';
import { basicMode } from './testing/basicMode.js';

const EXTENSION_URL = 'http://viewer/plugins/meddiff-extension.js';

describe('the Reader study mode', () => {
  it("builds on the basic mode's route with only the Reader study panel on the right", async () => {
    const requested: string[][] = [];
    const instance = await createReaderStudyMode(EXTENSION_URL).modeFactory({ loadModules: async (names: string[]) => (requested.push(names), [{ modeInstance: basicMode() }]) });
    expect(requested).toEqual([[BASIC_MODE]]);
    expect(instance).toMatchObject({ id: READER_MODE_ID, routeName: READER_ROUTE_NAME, displayName: 'Reader study', hide: false });
    expect(instance.routes[0]).toMatchObject({ path: 'reader-study', layoutInstance: { props: { rightPanels: [READER_PANEL_ID], rightPanelClosed: false, leftPanels: ['series'] } } });
    expect(instance.extensions).toEqual({ '@ohif/extension-default': '^3.0.0', [EXTENSION_URL]: `^${EXTENSION_VERSION}` });
  });

  it('names a panel the extension provides', () => {
    const panels = (defaultExtension.getPanelModule as () => { name: string }[])().map((p) => `${defaultExtension.id}.panelModule.${p.name}`);
    expect(panels).toContain(READER_PANEL_ID);
  });

  it('says what is missing', async () => {
    await expect(createReaderStudyMode(EXTENSION_URL).modeFactory({ loadModules: async () => [undefined] })).rejects.toThrow(/needs an OHIF 3.13 app/);
    await expect(createReaderStudyMode(EXTENSION_URL).modeFactory({})).rejects.toThrow(/loadModules/);
  });
});
