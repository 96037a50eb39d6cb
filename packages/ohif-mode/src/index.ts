// @meddiff/ohif-mode: the "Diffusion tools" OHIF mode. The default export is what an app built with
// the mode registers; it lists the extension by package name, which OHIF's generated plugin imports
// resolve. A prebuilt app loads dist/plugins/ instead (plugin.ts).
import { EXTENSION_ID } from '@meddiff/ohif-extension/ids';
import { createDiffusionMode } from './diffusionMode.js';

export default createDiffusionMode(EXTENSION_ID);
export { createDiffusionMode, createDiffusionModeInstance, addDiffusionToolbar, BASIC_MODE, type BasicModeInstance, type ToolbarServiceLike } from './diffusionMode.js';
export { MODE_ID, MODE_VERSION, ROUTE_NAME, TOOLBAR_IDS } from './ids.js';
export { toolbarButtons, toolbarSections } from './toolbarButtons.js';
