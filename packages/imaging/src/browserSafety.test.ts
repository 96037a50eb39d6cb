import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

describe('the main entry is browser-safe', () => {
  it('bundles for the browser without any node: module (only /node may use them)', async () => {
    const res = await build({
      entryPoints: [new URL('./index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      // Our own code is what is checked; the dependencies are browser libraries.
      external: Object.keys(pkg.dependencies),
    });
    expect(res.errors).toEqual([]);
    const code = res.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ["']node:/);
    expect(code).not.toMatch(/require\(["'](node:)?(fs|path|child_process|crypto|os)["']\)/);
  });
});
