import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { readRuntimePlugin, RuntimePluginError, subresourceIntegrity, type RuntimePluginDescriptor } from '@meddiff/ohif-extension/runtime-plugin';

const require = createRequire(import.meta.url);

/** A prebuilt plugin the viewer serves: its runtime-plugin descriptor and the folder of its files. */
export interface ServedPlugin {
  descriptor: RuntimePluginDescriptor;
  dir: string;
}

export interface ViewerPlugins {
  extensions: ServedPlugin[];
  modes: ServedPlugin[];
}

export function servedPlugin(dir: string): ServedPlugin {
  return { descriptor: readRuntimePlugin(dir), dir };
}

function packagePlugins(name: string): ServedPlugin {
  return servedPlugin(join(dirname(require.resolve(`${name}/package.json`)), 'dist', 'plugins'));
}

/** The mode package's second mode (Reader study): a module beside the one its descriptor names. */
export const READER_STUDY_MODULE = 'meddiff-reader-study-mode.js';

/** Another module of a plugin's folder, described like the folder's own (same package and layout, its own integrity). */
export function siblingModule(p: ServedPlugin, file: string): ServedPlugin {
  const path = join(p.dir, file);
  if (!existsSync(path)) throw new RuntimePluginError(`${path} does not exist: rebuild ${p.descriptor.packageName}`);
  const importPath = posix.join(posix.dirname(p.descriptor.importPath), file);
  return { dir: p.dir, descriptor: { ...p.descriptor, importPath, integrity: subresourceIntegrity(readFileSync(path)) } };
}

/**
 * The extension's and the mode's prebuilt plugins, from their packages' dist/plugins, each checked
 * against its descriptor's integrity. Throws a RuntimePluginError saying to build when one is missing.
 */
export function builtPlugins(): ViewerPlugins {
  const mode = packagePlugins('@meddiff/ohif-mode');
  return { extensions: [packagePlugins('@meddiff/ohif-extension')], modes: [mode, siblingModule(mode, READER_STUDY_MODULE)] };
}

/** The URL folder a plugin's files are served under: OHIF's layout, plugins/<packageName>/<version>/. */
export function servedPrefix(p: ServedPlugin): string {
  return `/${posix.dirname(p.descriptor.importPath)}/`;
}

/** The app-config entry the prebuilt OHIF 3.13 app imports: the module's rooted URL (the app is served at '/'). */
export function appConfigEntry(p: ServedPlugin): string {
  return `/${p.descriptor.importPath}`;
}
