import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

/** The emscripten codecs, by the name of their `#codec/…` import (package.json `imports`). */
const CODECS = {
  charls: '@cornerstonejs/codec-charls',
  openjpeg: '@cornerstonejs/codec-openjpeg',
  'libjpeg-turbo-8bit': '@cornerstonejs/codec-libjpeg-turbo-8bit',
} as const;

/** fs and path as empty modules: the codecs require them only on a Node code path. */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(fs|path)$/ }, (a) => ({ path: a.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};' }));
  },
};

/**
 * The codecs as browser bundlers need them. Their emscripten glue calls require('fs') and
 * require('path') inside `if (ENVIRONMENT_IS_NODE)`, which never runs in a browser, but esbuild
 * and others refuse to bundle it without being told to ignore Node built-ins. The `browser`
 * condition of `#codec/…` points bundlers here; Node keeps using the packages themselves.
 */
async function browserCodecs(): Promise<void> {
  for (const [name, pkg] of Object.entries(CODECS)) {
    const entry = require.resolve(`${pkg}/decode`);
    // Their exports map hides package.json; it sits above dist/.
    const { version, license } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string; license: string };
    await build({
      entryPoints: [entry],
      outfile: `dist/codecs/${name}.js`,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // Already minified upstream; printing it unminified would quadruple it.
      minify: true,
      plugins: [noNodeBuiltins],
      banner: { js: `// ${pkg}@${version}/decode (${license}), built for browsers by @meddiff/imaging: fs and path are empty modules.` },
      logLevel: 'warning',
    });
  }
}

export default defineConfig([
  {
    // The library: the browser-safe main entry ('index') and the Node-only '/node' entry, one output
    // file per source file (not bundled), so an app's bundler keeps only the modules it uses: DICOM
    // code and dcmjs stay out of apps that read no DICOM. Types are bundled per entry.
    entry: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/*.d.ts', '!src/cli.ts', '!src/fuzz/**', '!src/testing/**'],
    bundle: false,
    // ESM only, no source maps: see 'Module formats' in the root README. Class names kept, so
    // error names survive an app's minifier.
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
    clean: true,
    target: 'es2022',
    keepNames: true,
    onSuccess: browserCodecs,
  },
  {
    // The command line tool, ESM only, with its shebang kept.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    clean: false,
    target: 'node20',
    platform: 'node',
    external: [/^#codec\//],
  },
]);
