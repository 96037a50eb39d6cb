import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/** The package a bare specifier names: '@scope/name/sub' -> '@scope/name', 'name/sub' -> 'name'. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function filesUnder(dir: string, suffix: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && suffix.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

export interface ImportAudit {
  /** Package name -> the files (relative to the package) that import it, from JavaScript or from types. */
  packages: Map<string, string[]>;
  /** Node built-ins -> the files that import them. */
  builtins: Map<string, string[]>;
}

function add(map: Map<string, string[]>, key: string, file: string): void {
  const files = map.get(key) ?? [];
  if (!files.includes(file)) files.push(file);
  map.set(key, files);
}

/**
 * Every bare module an unpacked package names: in its JavaScript (static and literal dynamic imports,
 * as esbuild resolves them) and in its .d.ts files. A specifier held in a variable is invisible here,
 * as it is to bundlers; the test lists those by hand.
 */
export async function auditImports(packageDir: string): Promise<ImportAudit> {
  const audit: ImportAudit = { packages: new Map(), builtins: new Map() };
  const js = filesUnder(packageDir, /\.m?js$/).filter((f) => !relative(packageDir, f).startsWith('node_modules'));
  const result = await build({ entryPoints: js, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outdir: join(packageDir, '.audit'), logLevel: 'silent', splitting: true });
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) {
      // '<runtime>' is esbuild's own helper module; '.' and '#' are the package's own files.
      if (!imp.external || /^[.#<]/.test(imp.path)) continue;
      const file = relative(packageDir, join(process.cwd(), input));
      if (isBuiltin(imp.path)) add(audit.builtins, imp.path.replace(/^node:/, ''), file);
      else add(audit.packages, packageOf(imp.path), file);
    }
  }
  for (const file of filesUnder(packageDir, /\.d\.ts$/)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"./#][^'"]*)['"]/g)) {
      const spec = m[1]!;
      if (isBuiltin(spec)) add(audit.builtins, spec.replace(/^node:/, ''), relative(packageDir, file));
      else add(audit.packages, packageOf(spec), relative(packageDir, file));
    }
  }
  return audit;
}
