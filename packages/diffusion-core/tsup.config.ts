import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // tfjs must be a single instance shared with the host app: never bundle it.
  external: [/^@tensorflow\//, 'webgpu'],
});
