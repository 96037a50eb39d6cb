// @meddiff/ohif-mode: the "Diffusion tools" OHIF mode. The default export is what an app built with
// the mode registers; it lists the extension by package name, which OHIF's generated plugin imports
// resolve. A prebuilt app loads dist/plugins/ instead (plugin.ts).
import { EXTENSION_ID } from '@meddiff/ohif-extension/ids';
import { createDiffusionMode } from './diffusionMode.js';
import { createReaderStudyMode } from './readerStudyMode.js';

export default createDiffusionMode(EXTENSION_ID);
export { createDiffusionMode, createDiffusionModeInstance, addDiffusionToolbar, BASIC_MODE, type BasicModeInstance, type ToolbarServiceLike } from './diffusionMode.js';
export { MODE_ID, MODE_VERSION, ROUTE_NAME, TOOLBAR_IDS, READER_MODE_ID, READER_ROUTE_NAME } from './ids.js';
export { createReaderStudyMode, createReaderStudyModeInstance } from './readerStudyMode.js';
/** The Reader study mode, for `modes: [...]` beside the default export. */
export const readerStudyMode = createReaderStudyMode(EXTENSION_ID);
export { toolbarButtons, toolbarSections } from './toolbarButtons.js';
