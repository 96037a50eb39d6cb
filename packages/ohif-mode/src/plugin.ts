// The prebuilt plugin's module. A prebuilt OHIF 3.13 app imports a mode's `extensions` keys as URLs,
// so the extension is listed by the URL of its module: in OHIF's layout for runtime plugins
// (plugins/<packageName>/<version>/) its path from here is fixed when this is built (tsup.config.ts).
import { createDiffusionMode } from './diffusionMode.js';

declare const __EXTENSION_MODULE_FROM_HERE__: string;

export default createDiffusionMode(new URL(__EXTENSION_MODULE_FROM_HERE__, import.meta.url).href);
