import pkg from '../package.json' with { type: 'json' };

/** The mode's id is its package name, as OHIF's runtime loader requires. */
export const MODE_ID = pkg.name as '@meddiff/ohif-mode';
export const MODE_VERSION = pkg.version;
export const ROUTE_NAME = 'diffusion';
/** The Reader study mode: its own id (one package, two modes) and route. */
export const READER_MODE_ID = `${MODE_ID}.readerStudy` as const;
export const READER_ROUTE_NAME = 'reader-study';

/** The mode's toolbar ids, typed so a typo fails to compile. */
export const TOOLBAR_IDS = {
  section: 'MedDiffTools',
  superResolve2: 'MedDiffSuperResolve2',
  superResolve4: 'MedDiffSuperResolve4',
  denoise: 'MedDiffDenoise',
  inpaint: 'MedDiffInpaint',
  translate: 'MedDiffTranslate',
} as const;
