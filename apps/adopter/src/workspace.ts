import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is apps/adopter/src/workspace.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  keywords?: string[];
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PublishedPackage {
  name: string;
  /** Folder relative to the repository root, e.g. packages/imaging. */
  dir: string;
  manifest: PackageJson;
}

/** The packages an adopter can install: every workspace package under packages/ that is not private. */
export function publishedPackages(): PublishedPackage[] {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  if (!root.workspaces.includes('packages/*')) throw new Error('the root package.json no longer lists packages/* as workspaces; update apps/adopter/src/workspace.ts');
  const names = ['diffusion-core', 'imaging', 'metrics', 'med-cdiff', 'cdm', 'ohif-extension', 'ohif-mode'];
  return names.map((n) => {
    const dir = `packages/${n}`;
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
    if (manifest.private) throw new Error(`${dir} is private; remove it from the published list in apps/adopter/src/workspace.ts`);
    return { name: manifest.name, dir, manifest };
  });
}
