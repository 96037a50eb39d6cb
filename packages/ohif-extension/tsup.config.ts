import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';
import pkg from './package.json' with { type: 'json' };
import { writeRuntimeDescriptor } from './src/runtimePlugin.js';

const require = createRequire(import.meta.url);
const NODE_BUILTINS = ['fs', 'path', 'crypto', 'module', 'url', 'worker_threads', 'os', 'perf_hooks'];

/** tfjs-backend-wasm fetches its .wasm files at run time: ship them where defaultExtension.ts names them. */
function copyWasm(outDir: string): void {
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const out = join(outDir, 'tfjs-wasm');
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(dir, f), join(out, f));
}

// ESM only, no source maps: see 'Module formats' in the root README.
export default defineConfig([
  {
    // The package as an OHIF build (or any bundler) imports it: dependencies stay external, and the
    // worker is its own module beside index.js, named by `new URL('./inferenceWorker.js', import.meta.url)`.
    // runtime-plugin is Node-only: descriptors, for the build below and for servers of prebuilt apps.
    entry: { index: 'src/index.ts', id: 'src/id.ts', inferenceWorker: 'src/worker/inferenceWorker.ts', 'runtime-plugin': 'src/runtimePlugin.ts' },
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts', id: 'src/id.ts', 'runtime-plugin': 'src/runtimePlugin.ts' } },
    // Error class names survive the app's minifier.
    keepNames: true,
    clean: true,
    target: 'es2022',
    external: [/^@tensorflow\//, /^@meddiff\//, 'react', 'react-dom', 'dcmjs'],
    onSuccess: async () => copyWasm('dist'),
  },
  {
    // What a prebuilt OHIF app loads at run time: self-contained ES modules (the host shares no
    // React, no tfjs and no @ohif/core with plugins), the inference worker, its wasm files and the
    // runtime-plugin descriptor.
    entry: { 'meddiff-extension': 'src/defaultExtension.ts', inferenceWorker: 'src/worker/inferenceWorker.ts' },
    outDir: 'dist/plugins',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    minify: true,
    keepNames: true,
    clean: false,
    // Everything is bundled, dependencies and peers included, except the Node built-ins that the
    // emscripten codecs name only on their Node code path, which never runs in a browser.
    noExternal: [new RegExp(`^(?!(${NODE_BUILTINS.join('|')})$)`)],
    external: NODE_BUILTINS,
    define: { 'process.env.NODE_ENV': '"production"' },
    outExtension: () => ({ js: '.js' }),
    onSuccess: async () => {
      copyWasm('dist/plugins');
      writeRuntimeDescriptor('dist/plugins', 'meddiff-extension.js', pkg);
    },
  },
]);
