import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The library must run in browsers: no Node built-ins, no Node globals, and no imports
// beyond tfjs-core in the code that ships (tests and testing/ may use Node).
const SRC = dirname(fileURLToPath(import.meta.url));

function libraryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : libraryFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('browser safety of the shipped code', () => {
  const files = libraryFiles(SRC);

  it('finds the library files', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.map((f) => relative(SRC, f))).toContain('index.ts');
  });

  it('imports only tfjs-core and its own modules, and uses no Node globals', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
      for (const s of specifiers) {
        expect(s.startsWith('.') || s === '@tensorflow/tfjs-core', `${relative(SRC, file)} imports ${s}`).toBe(true);
      }
      expect(/\b(process|Buffer|require|__dirname)\b[.(]/.test(text), `${relative(SRC, file)} uses a Node global`).toBe(false);
    }
  });
});
