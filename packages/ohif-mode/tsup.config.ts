import { createRequire } from 'node:module';
import { dirname, posix } from 'node:path';
import { defineConfig } from 'tsup';
import { readRuntimePlugin, writeRuntimeDescriptor } from '@meddiff/ohif-extension/runtime-plugin';
import pkg from './package.json' with { type: 'json' };

const require = createRequire(import.meta.url);
const PLUGIN = 'meddiff-mode.js';
/** The Reader study mode's module, in the same folder (the descriptor names the main mode's). */
const READER_PLUGIN = 'meddiff-reader-study-mode.js';

/** The extension's module as seen from this mode's module, both laid out as OHIF lays out runtime plugins. */
function extensionModuleFromHere(): string {
  const extension = readRuntimePlugin(`${dirname(require.resolve('@meddiff/ohif-extension/package.json'))}/dist/plugins`);
  const here = `plugins/${pkg.name}/${pkg.version}/${PLUGIN}`;
  return posix.relative(posix.dirname(here), extension.importPath);
}

// ESM only, no source maps: see 'Module formats' in the root README.
export default defineConfig([
  {
    // The package as an OHIF build imports it: the extension stays external (a peer).
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'es2022',
    external: [/^@meddiff\//],
  },
  {
    // What a prebuilt OHIF app loads at run time: self-contained modules (the Diffusion tools mode and the Reader study mode) and the descriptor of the first.
    entry: { [PLUGIN.replace(/\.js$/, '')]: 'src/plugin.ts', [READER_PLUGIN.replace(/\.js$/, '')]: 'src/readerPlugin.ts' },
    outDir: 'dist/plugins',
    format: ['esm'],
    platform: 'browser',
    // Each mode module stays self-contained (no chunk shared between the two).
    splitting: false,
    target: 'es2022',
    minify: true,
    clean: false,
    noExternal: [/^@meddiff\//],
    define: { __EXTENSION_MODULE_FROM_HERE__: JSON.stringify(extensionModuleFromHere()) },
    outExtension: () => ({ js: '.js' }),
    onSuccess: async () => void writeRuntimeDescriptor('dist/plugins', PLUGIN, pkg),
  },
]);
