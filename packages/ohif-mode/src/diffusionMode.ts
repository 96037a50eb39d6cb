import { EXTENSION_ID, EXTENSION_VERSION, PANEL_ID } from '@meddiff/ohif-extension/ids';
import { MODE_ID, ROUTE_NAME, TOOLBAR_IDS } from './ids.js';
import { toolbarButtons, toolbarSections } from './toolbarButtons.js';

/** The pieces of OHIF's basic mode this mode builds on (its default export's modeInstance). */
export interface BasicModeInstance {
  routes: { path: string; layoutTemplate: (...args: unknown[]) => unknown; layoutInstance: { id: string; props: Record<string, unknown> & { rightPanels?: string[] } } }[];
  extensions: Record<string, string>;
  onModeEnter: (this: unknown, args: unknown) => void;
  onModeExit: (this: unknown, args: unknown) => void;
  [key: string]: unknown;
}

export const BASIC_MODE = '@ohif/mode-basic';

export interface ToolbarServiceLike {
  register(buttons: unknown[]): void;
  /** Appends the ids not already there (OHIF 3.13: it never removes). */
  updateSection(key: string, ids: string[]): void;
  clearButtonSection(key: string): void;
  state?: { buttonSections?: Record<string, string[]> };
}
export interface ModeHookArgs {
  servicesManager: { services: { toolbarService: ToolbarServiceLike } };
}

/**
 * Adds the Diffusion tools to the toolbar the basic mode has just set up. Appending to the primary
 * section as registered (rather than restating it) keeps working whether the app's basic mode
 * lists its tools directly or through customization references, as 3.13 builds do.
 */
export function addDiffusionToolbar(toolbarService: ToolbarServiceLike): void {
  toolbarService.register(toolbarButtons);
  for (const [key, ids] of Object.entries(toolbarSections)) toolbarService.updateSection(key, ids);
  const primary = toolbarService.state?.buttonSections?.[PRIMARY_SECTION] ?? [];
  if (!primary.includes(TOOLBAR_IDS.section)) toolbarService.updateSection(PRIMARY_SECTION, [...primary, TOOLBAR_IDS.section]);
}
const PRIMARY_SECTION = 'primary';

/**
 * Undoes addDiffusionToolbar: the Diffusion section leaves the primary toolbar and is emptied, so a
 * mode entered next (another mode of the same app) does not show our buttons. The buttons stay
 * registered: ToolbarService can only forget every button at once (reset), basic mode's ones too.
 */
export function removeDiffusionToolbar(toolbarService: ToolbarServiceLike): void {
  const primary = toolbarService.state?.buttonSections?.[PRIMARY_SECTION] ?? [];
  if (primary.includes(TOOLBAR_IDS.section)) {
    const rest = primary.filter((id) => id !== TOOLBAR_IDS.section);
    toolbarService.clearButtonSection(PRIMARY_SECTION);
    toolbarService.updateSection(PRIMARY_SECTION, rest);
  }
  for (const key of Object.keys(toolbarSections)) toolbarService.clearButtonSection(key);
}

/**
 * "Diffusion tools": OHIF's basic viewer (its layout, tools, hanging protocol and SOP class handlers,
 * loaded from the app at run time rather than copied) with the Diffusion tools panel opened on the
 * right and the tools' buttons in the primary toolbar.
 */
export function createDiffusionModeInstance(basic: BasicModeInstance, extensionModule: string) {
  const basicRoute = basic.routes[0];
  if (!basicRoute) throw new Error(`${BASIC_MODE} has no route to build on`);
  const layoutInstance = {
    ...basicRoute.layoutInstance,
    props: {
      ...basicRoute.layoutInstance.props,
      rightPanels: [PANEL_ID, ...(basicRoute.layoutInstance.props.rightPanels ?? [])],
      rightPanelClosed: false,
    },
  };
  return {
    ...basic,
    id: MODE_ID,
    routeName: ROUTE_NAME,
    displayName: 'Diffusion tools',
    hide: false,
    // The app imports each key of `extensions` before entering the mode: ours is its package name
    // in an app built with it, the URL of its module for a prebuilt app (plugin.ts).
    extensions: { ...basic.extensions, [extensionModule]: `^${EXTENSION_VERSION}` },
    routes: [{ ...basicRoute, path: ROUTE_NAME, layoutInstance }],
    onModeEnter(this: unknown, args: ModeHookArgs) {
      basic.onModeEnter.call(this, args);
      addDiffusionToolbar(args.servicesManager.services.toolbarService);
    },
    onModeExit(this: unknown, args: ModeHookArgs) {
      removeDiffusionToolbar(args.servicesManager.services.toolbarService);
      basic.onModeExit.call(this, args);
    },
  };
}

type LoadModules = (modules: string[]) => Promise<unknown[]>;

/**
 * The mode module the app loads. `modeFactory` receives the app's module loader and builds on the
 * basic mode; `extensionModule` is how the app imports the extension: its package name, or the URL
 * of its module.
 */
export function createDiffusionMode(extensionModule: string) {
  return {
    id: MODE_ID,
    extensionDependencies: { [EXTENSION_ID]: `^${EXTENSION_VERSION}` },
    async modeFactory({ loadModules }: { modeConfiguration?: unknown; loadModules?: LoadModules }) {
      if (!loadModules) throw new Error(`${MODE_ID} needs the app's loadModules to build on ${BASIC_MODE} (OHIF 3.13 passes it to modeFactory)`);
      const [basicModule] = (await loadModules([BASIC_MODE])) as [{ modeInstance?: BasicModeInstance } | undefined];
      if (!basicModule?.modeInstance) throw new Error(`${MODE_ID}: the app has no ${BASIC_MODE}; this mode needs an OHIF 3.13 app that bundles it`);
      return createDiffusionModeInstance(basicModule.modeInstance, extensionModule);
    },
  };
}
