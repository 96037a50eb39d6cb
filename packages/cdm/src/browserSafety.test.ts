import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

describe('the main entry is browser-safe (Web Worker ready)', () => {
  it('bundles for the browser without any node: module (only /node may use them)', async () => {
    const res = await build({
      entryPoints: [new URL('./index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      // Our own code is what is checked; dependencies and the host's tfjs stay outside.
      external: [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)],
    });
    expect(res.errors).toEqual([]);
    const code = res.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ["']node:/);
    expect(code).not.toMatch(/require\(["'](node:)?(fs|path|child_process|crypto|os)["']\)/);
    expect(code).not.toMatch(/@meddiff\/[a-z-]+\/node/);
    expect(code).toMatch(/CdmPipeline = class|class CdmPipeline/);
  });
});
