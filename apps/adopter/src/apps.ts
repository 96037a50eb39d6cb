import type { AppSpec } from './freshApp.js';

export const LIBRARIES = ['@meddiff/diffusion-core', '@meddiff/imaging', '@meddiff/metrics', '@meddiff/med-cdiff', '@meddiff/cdm'];

/**
 * A Node script or browser app using the models: the libraries and the tfjs backends it ships (they
 * are optional peers). tfjs-core and tfjs-layers are not listed: npm installs them as the libraries'
 * peers, which is what "installs alone with its declared peers" means.
 */
export const LIBRARY_APP: AppSpec = {
  name: 'library-app',
  packages: LIBRARIES,
  dependencies: { '@tensorflow/tfjs-backend-wasm': '4.22.0', '@tensorflow/tfjs-backend-webgpu': '4.22.0' },
};

/**
 * An OHIF host as far as Node can be one: the extension and the mode beside @ohif/core 3.13.2 (the
 * version inside the prebuilt app) and React 18, run under jsdom. @ohif/core's own peer @ohif/ui
 * 3.13.2 is not published, so this installs with --legacy-peer-deps and lists every peer itself:
 * @cornerstonejs/core and /metadata for @ohif/core's UMD bundle, tfjs-core and -layers for the models.
 */
export const OHIF_APP: AppSpec = {
  name: 'ohif-app',
  packages: [...LIBRARIES, '@meddiff/ohif-extension', '@meddiff/ohif-mode'],
  dependencies: {
    '@ohif/core': '3.13.2',
    '@cornerstonejs/core': '5.6.8',
    '@cornerstonejs/metadata': '5.6.8',
    '@tensorflow/tfjs-core': '4.22.0',
    '@tensorflow/tfjs-layers': '4.22.0',
    jsdom: '27.3.0',
    react: '18.3.1',
    'react-dom': '18.3.1',
  },
  legacyPeerDeps: true,
};
