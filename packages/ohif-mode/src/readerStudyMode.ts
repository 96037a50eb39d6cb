import { EXTENSION_ID, EXTENSION_VERSION, READER_PANEL_ID } from '@meddiff/ohif-extension/ids';
import { BASIC_MODE, type BasicModeInstance } from './diffusionMode.js';
import { READER_MODE_ID, READER_ROUTE_NAME } from './ids.js';

/**
 * "Reader study": the paper's two-alternative forced-choice study. OHIF's basic viewer (its layout,
 * tools and SOP class handlers, from the app) with the extension's Reader study panel open on the
 * right, where a coordinator prepares a study from the studies opened and readers read it. It adds
 * no toolbar buttons: trials are shown full screen by the panel, answered with the keyboard.
 */
export function createReaderStudyModeInstance(basic: BasicModeInstance, extensionModule: string) {
  const basicRoute = basic.routes[0];
  if (!basicRoute) throw new Error(`${BASIC_MODE} has no route to build on`);
  const layoutInstance = { ...basicRoute.layoutInstance, props: { ...basicRoute.layoutInstance.props, rightPanels: [READER_PANEL_ID], rightPanelClosed: false } };
  return {
    ...basic,
    id: READER_MODE_ID,
    routeName: READER_ROUTE_NAME,
    displayName: 'Reader study',
    hide: false,
    extensions: { ...basic.extensions, [extensionModule]: `^${EXTENSION_VERSION}` },
    routes: [{ ...basicRoute, path: READER_ROUTE_NAME, layoutInstance }],
  };
}

type LoadModules = (modules: string[]) => Promise<unknown[]>;

/** The Reader study mode module (see createDiffusionMode: the same loading, on the same basic mode). */
export function createReaderStudyMode(extensionModule: string) {
  return {
    id: READER_MODE_ID,
    extensionDependencies: { [EXTENSION_ID]: `^${EXTENSION_VERSION}` },
    async modeFactory({ loadModules }: { modeConfiguration?: unknown; loadModules?: LoadModules }) {
      if (!loadModules) throw new Error(`${READER_MODE_ID} needs the app's loadModules to build on ${BASIC_MODE} (OHIF 3.13 passes it to modeFactory)`);
      const [basicModule] = (await loadModules([BASIC_MODE])) as [{ modeInstance?: BasicModeInstance } | undefined];
      if (!basicModule?.modeInstance) throw new Error(`${READER_MODE_ID}: the app has no ${BASIC_MODE}; this mode needs an OHIF 3.13 app that bundles it`);
      return createReaderStudyModeInstance(basicModule.modeInstance, extensionModule);
    },
  };
}
