import { defineConfig } from 'tsup';

export default defineConfig({
  // The training worker is an entry of its own: dataParallelGradients starts dist/trainingWorker.js.
  entry: { index: 'src/index.ts', node: 'src/node.ts', trainingWorker: 'src/train/dataParallel/trainingWorker.ts' },
  // ESM only, no source maps: see 'Module formats' in the root README. Class names kept, so
  // error names survive an app's minifier.
  format: ['esm'],
  keepNames: true,
  dts: true,
  clean: true,
  target: 'es2022',
  // tfjs must be a single instance shared with the host app: never bundle it.
  external: [/^@tensorflow\//, 'webgpu'],
});
