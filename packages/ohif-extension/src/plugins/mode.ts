// The ES module the OHIF app loads from app-config.js `modes`: its default export is the mode.
import { createDiffusionMode } from '../mode/diffusionMode.js';

export default createDiffusionMode(new URL('./meddiff-extension.js', import.meta.url).href);
