import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BACKEND_PACKAGES } from '@meddiff/diffusion-core';
import { stop } from 'esbuild';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { auditImports } from './importAudit.js';
import { unpack } from './unpack.js';
import { REPO_ROOT, type PackageJson } from './workspace.js';

const run = promisify(execFile);
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);
const { tarballs } = inject('adopter');
// esbuild's service would keep this test process alive.
afterAll(() => stop());

/** Declared, but named nowhere a bundler (or this audit) sees, and why. */
const NOT_IMPORTED_BY_LITERAL: Record<string, Record<string, string>> = {
  '@meddiff/diffusion-core': Object.fromEntries(Object.values(BACKEND_PACKAGES).map((p) => [p, 'optional peer, imported by name in selectBackend when the app has not registered it'])),
  '@meddiff/ohif-extension': { '@ohif/core': "OHIF's convention: the host's core, never imported; its range is the runtime descriptor's coreVersionRange" },
  '@meddiff/ohif-mode': { '@ohif/core': "OHIF's convention: the host's core, never imported; its range is the runtime descriptor's coreVersionRange" },
};

/** Every condition key of an exports map, however deep. */
function conditions(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...conditions(v)]);
}

describe.each(tarballs.map((t) => [t.name, t] as const))('%s, packed', (name, tarball) => {
  it('passes publint, warnings counted as errors', async () => {
    const r = await run(bin('publint'), ['run', tarball.file, '--strict']).catch((e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout}${e.stderr}`, stderr: '' }));
    expect(r.stdout).toMatch(/All good!/);
  });

  it('passes arethetypeswrong as an ESM-only package', async () => {
    const r = await run(bin('attw'), [tarball.file, '--profile', 'esm-only', '--format', 'ascii', '--no-color']).catch((e: { stdout: string }) => ({ stdout: `FAILED\n${e.stdout}` }));
    expect(r.stdout).not.toMatch(/FAILED/);
  });

  it('is ESM-only, says so, states its Node engines and ships no source maps or CommonJS', () => {
    const manifest = JSON.parse(readFileSync(join(unpack(tarball.file), 'package.json'), 'utf8')) as PackageJson;
    expect(manifest.type).toBe('module');
    expect(conditions(manifest.exports)).not.toContain('require');
    expect(manifest.engines).toEqual({ node: '>=20.19' });
    expect(tarball.files.filter((f) => /\.(map|cjs|d\.cts)$/.test(f))).toEqual([]);
  });

  it('depends on exactly the packages its code and types import', async () => {
    const dir = unpack(tarball.file);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const { packages } = await auditImports(dir);
    const undeclared = [...packages.keys()].filter((p) => p !== name && !declared.has(p)).map((p) => `${p} (imported by ${packages.get(p)!.join(', ')})`);
    expect(undeclared, 'imported but not declared').toEqual([]);
    const byName = NOT_IMPORTED_BY_LITERAL[name] ?? {};
    const unused = [...declared].filter((p) => !packages.has(p) && !(p in byName));
    expect(unused, 'declared but never imported').toEqual([]);
    // The exceptions stay true: each is still declared, as an optional peer where it is one.
    for (const p of Object.keys(byName)) expect(declared.has(p), p).toBe(true);
  });
});
