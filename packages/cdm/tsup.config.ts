import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // One tfjs instance, shared with the host: never bundled. Workspace packages stay separate too.
  external: [/^@tensorflow\//, /^@meddiff\//, 'webgpu'],
});
