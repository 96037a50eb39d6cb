// Node-only ('@meddiff/ohif-extension/runtime-plugin'): the descriptors by which a prebuilt OHIF app
// loads a plugin at run time, written at build time beside the plugin and checked by whoever serves it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An entry of the app config's `extensions` or `modes`, as OHIF 3.14's runtime loader reads it
 * (platform/app/src/runtimeExtensionLoader.ts): an ES module whose default export has
 * `id === packageName`, so no `globalName`. OHIF 3.13 has no such loader: there the entry is the
 * module's rooted URL, '/' + importPath when the app is served from the origin's root.
 */
export interface RuntimePluginDescriptor {
  packageName: string;
  /** Relative to the app's PUBLIC_URL, in OHIF's layout: plugins/<packageName>/<version>/<file>. */
  importPath: string;
  /** The `@ohif/core` peer range of the package: the app versions the plugin is built for. */
  coreVersionRange: string;
  /** Subresource integrity of the entry module (OHIF checks it when the plugin is on another origin). */
  integrity: string;
}

export const DESCRIPTOR_FILE = 'ohif-runtime-plugin.json';

export class RuntimePluginError extends Error {
  override name = 'RuntimePluginError';
}

interface PluginPackage {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
}

export function subresourceIntegrity(bytes: Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** Writes the descriptor of `entry`, a built module in `dir`, beside it and returns it. */
export function writeRuntimeDescriptor(dir: string, entry: string, pkg: PluginPackage): RuntimePluginDescriptor {
  const coreVersionRange = pkg.peerDependencies?.['@ohif/core'];
  if (!coreVersionRange) throw new RuntimePluginError(`${pkg.name} has no peerDependencies['@ohif/core']: state the OHIF versions the plugin is built for there`);
  const descriptor: RuntimePluginDescriptor = {
    packageName: pkg.name,
    importPath: `plugins/${pkg.name}/${pkg.version}/${entry}`,
    coreVersionRange,
    integrity: subresourceIntegrity(readFileSync(join(dir, entry))),
  };
  writeFileSync(join(dir, DESCRIPTOR_FILE), `${JSON.stringify(descriptor, null, 2)}\n`);
  return descriptor;
}

/**
 * Reads the descriptor in `dir` and checks the entry module's bytes against its integrity, so a
 * server never offers a plugin whose files changed after it was described.
 */
export function readRuntimePlugin(dir: string): RuntimePluginDescriptor {
  const file = join(dir, DESCRIPTOR_FILE);
  if (!existsSync(file)) throw new RuntimePluginError(`no ${DESCRIPTOR_FILE} in ${dir}: build the plugin package first (npm run build)`);
  const d = JSON.parse(readFileSync(file, 'utf8')) as RuntimePluginDescriptor;
  for (const key of ['packageName', 'importPath', 'coreVersionRange', 'integrity'] as const) {
    if (typeof d[key] !== 'string' || !d[key]) throw new RuntimePluginError(`${file}: '${key}' is missing`);
  }
  const entry = join(dir, d.importPath.slice(d.importPath.lastIndexOf('/') + 1));
  if (!existsSync(entry)) throw new RuntimePluginError(`${file} names ${entry}, which does not exist: rebuild the plugin package`);
  const actual = subresourceIntegrity(readFileSync(entry));
  if (actual !== d.integrity) throw new RuntimePluginError(`${entry} does not match the integrity in ${file} (${actual} != ${d.integrity}): rebuild the plugin package`);
  return d;
}
