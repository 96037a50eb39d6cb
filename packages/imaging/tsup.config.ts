import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: the browser-safe main entry and the Node-only '/node' entry.
    entry: { index: 'src/index.ts', node: 'src/node.ts' },
    // ESM only, no source maps: see 'Module formats' in the root README.
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'es2022',
    // tfjs must be a single instance shared with the host app: never bundle it.
    external: [/^@tensorflow\//],
  },
  {
    // The command line tool, ESM only, with its shebang kept.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    clean: false,
    target: 'node20',
    platform: 'node',
  },
]);
