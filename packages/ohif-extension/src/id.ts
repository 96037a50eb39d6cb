import pkg from '../package.json' with { type: 'json' };

/** The extension's id is its package name, so module ids cannot drift from it. */
export const EXTENSION_ID = pkg.name as '@meddiff/ohif-extension';
export const EXTENSION_VERSION = pkg.version;

/** Module names, typed so a typo fails to compile. */
export const PANEL_NAME = 'diffusionTools';
export const LOCAL_DATA_SOURCE_MODULE = 'localResults';
export const PANEL_ID = `${EXTENSION_ID}.panelModule.${PANEL_NAME}` as const;
/** The Reader study panel (the two-alternative forced-choice study), for the Reader study mode. */
export const READER_PANEL_NAME = 'readerStudy';
export const READER_PANEL_ID = `${EXTENSION_ID}.panelModule.${READER_PANEL_NAME}` as const;

export const COMMANDS = {
  selectTask: 'meddiff.selectTask',
  setOptions: 'meddiff.setOptions',
  run: 'meddiff.run',
  cancel: 'meddiff.cancel',
  storeResult: 'meddiff.storeResult',
  setSourceSeries: 'meddiff.setSourceSeries',
  getState: 'meddiff.getState',
  openPanel: 'meddiff.openPanel',
} as const;
