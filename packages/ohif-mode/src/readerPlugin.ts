// The Reader study mode's prebuilt module, beside meddiff-mode.js in the same plugin folder (so the
// extension's module is at the same path from here; see plugin.ts). An app lists it in `modes` too.
import { createReaderStudyMode } from './readerStudyMode.js';

declare const __EXTENSION_MODULE_FROM_HERE__: string;

export default createReaderStudyMode(new URL(__EXTENSION_MODULE_FROM_HERE__, import.meta.url).href);
