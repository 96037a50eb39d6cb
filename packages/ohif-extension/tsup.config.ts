import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

/** tfjs-backend-wasm fetches its .wasm files at run time: ship them beside the worker. */
function copyWasm(): void {
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const out = 'dist/plugins/tfjs-wasm';
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(dir, f), join(out, f));
}

export default defineConfig([
  {
    // The library entry: types and factories for other hosts and tests. Dependencies stay external.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    external: [/^@tensorflow\//, /^@meddiff\//, 'react', 'react-dom', 'dcmjs'],
  },
  {
    // What the prebuilt OHIF app loads at run time: self-contained ES modules (the host shares no
    // React, no tfjs and no @ohif/core with plugins), the inference worker and its wasm files.
    entry: {
      'meddiff-extension': 'src/plugins/extension.ts',
      'meddiff-mode': 'src/plugins/mode.ts',
      'meddiff-inference-worker': 'src/worker/inferenceWorker.ts',
    },
    outDir: 'dist/plugins',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    sourcemap: true,
    minify: true,
    keepNames: true,
    clean: false,
    // Everything is bundled; Node built-ins stay external because the emscripten codecs name them
    // only on their Node code path, which never runs in a browser.
    noExternal: [/^@meddiff\//],
    external: ['fs', 'path', 'crypto', 'module', 'url', 'worker_threads', 'os', 'perf_hooks'],
    define: { 'process.env.NODE_ENV': '"production"' },
    outExtension: () => ({ js: '.js' }),
    onSuccess: async () => copyWasm(),
  },
]);
