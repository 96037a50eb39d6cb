import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Tarball } from './pack.js';

const run = promisify(execFile);

/** A fresh project outside the repository, so nothing resolves from the workspace's node_modules. */
export interface AppSpec {
  name: string;
  /** The tarballs it installs, by package name. */
  packages: string[];
  /** Other dependencies, from the registry, exact versions. */
  dependencies: Record<string, string>;
  /**
   * npm's --legacy-peer-deps: peers are not installed for you, so `dependencies` lists them. Needed
   * where a dependency declares a peer that is not published (@ohif/core 3.13.2 asks for @ohif/ui 3.13.2).
   */
  legacyPeerDeps?: boolean;
}

export class OfflineInstallError extends Error {
  override name = 'OfflineInstallError';
}

/**
 * Installs `spec` into a new temporary folder. Offline (`npm install --offline`) it takes every
 * package from npm's cache, which `npx nx run @meddiff/adopter:prefetch` (run by scripts/setup.sh)
 * fills by the same install with the registry reachable (--prefer-offline: only what is missing).
 */
export async function installFreshApp(spec: AppSpec, tarballs: Map<string, Tarball>, { offline }: { offline: boolean }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `meddiff-adopter-${spec.name}-`));
  const local = Object.fromEntries(
    spec.packages.map((name) => {
      const t = tarballs.get(name);
      if (!t) throw new Error(`${name} was not packed`);
      return [name, `file:${t.file}`];
    }),
  );
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: spec.name, private: true, type: 'module', dependencies: { ...local, ...spec.dependencies } }, null, 2)}\n`);
  const args = ['install', '--no-audit', '--no-fund', offline ? '--offline' : '--prefer-offline', ...(spec.legacyPeerDeps ? ['--legacy-peer-deps'] : [])];
  try {
    await run('npm', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '');
    if (offline && /ENOTCACHED/.test(stderr)) throw new OfflineInstallError(`npm's cache lacks a package ${spec.name} needs (${stderr.match(/request to (\S+)/)?.[1] ?? 'see below'}): run \`npx nx run @meddiff/adopter:prefetch\` once with the registry reachable (scripts/setup.sh does)\n${stderr}`);
    throw new Error(`npm ${args.join(' ')} failed in ${dir}:\n${stderr}`);
  }
  return dir;
}
