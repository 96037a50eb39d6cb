import { defineConfig } from 'tsup';

export default defineConfig({
  // Worker modules are entries of their own: training and sampling workers import them by URL.
  entry: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts', medCDiffReplica: 'src/train/medCDiffReplica.ts', samplingWorker: 'src/pipeline/samplingWorker.ts' },
  // ESM only, no source maps: see 'Module formats' in the root README. Class names kept, so
  // error names survive an app's minifier.
  format: ['esm'],
  keepNames: true,
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  clean: true,
  target: 'es2022',
  // One tfjs instance, shared with the host: never bundled. Workspace packages stay separate too.
  external: [/^@tensorflow\//, /^@meddiff\//, 'webgpu'],
});
